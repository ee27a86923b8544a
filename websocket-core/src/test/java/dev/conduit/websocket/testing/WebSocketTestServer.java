package dev.conduit.websocket.testing;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import dev.conduit.websocket.handshake.AcceptKey;
import dev.conduit.websocket.handshake.HeaderTokens;
import dev.conduit.websocket.net.SocketNetConn;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import javax.net.ssl.SSLContext;

/**
 * A minimal test-only WebSocket server: a {@link TestServer} that answers the opening handshake
 * with the project's handshake helpers ({@link AcceptKey}, {@link HeaderTokens}), then wraps the
 * socket in a {@link SocketNetConn} and a server-side {@link WebSocketConn} and hands it to a
 * {@link ConnHandler}. It records each request and each connection's ending exception.
 */
public final class WebSocketTestServer implements Closeable {
    /** Serves one open connection. */
    @FunctionalInterface
    public interface ConnHandler {
        /**
         * @param conn the server side of the connection
         * @param request the upgrade request
         * @throws Exception anything; the connection is closed afterwards
         */
        void serve(Conn conn, RequestHead request) throws Exception;
    }

    private final TestServer server;
    private final List<String> subprotocols;
    private final ConnHandler handler;
    private final BlockingQueue<RequestHead> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> endings = new LinkedBlockingQueue<>();

    private WebSocketTestServer(SSLContext tls, int port, List<String> subprotocols, ConnHandler handler) throws IOException {
        this.subprotocols = subprotocols;
        this.handler = handler;
        this.server = tls == null ? TestServer.start(port, this::handle) : TestServer.startTls(tls, this::handle);
    }

    /**
     * @param handler serves each connection
     * @return a plain server
     * @throws IOException if binding fails
     */
    public static WebSocketTestServer start(ConnHandler handler) throws IOException {
        return new WebSocketTestServer(null, 0, List.of(), handler);
    }

    /**
     * @param port the port to bind, such as a closed server's to restart it on the same URL
     * @param handler serves each connection
     * @return a plain server
     * @throws IOException if binding fails
     */
    public static WebSocketTestServer start(int port, ConnHandler handler) throws IOException {
        return new WebSocketTestServer(null, port, List.of(), handler);
    }

    /**
     * @param tls the server TLS context, or {@code null} for plain TCP
     * @param subprotocols the subprotocols the server supports (the client's first supported one wins)
     * @param handler serves each connection
     * @return a server
     * @throws IOException if binding fails
     */
    public static WebSocketTestServer start(SSLContext tls, List<String> subprotocols, ConnHandler handler) throws IOException {
        return new WebSocketTestServer(tls, 0, subprotocols, handler);
    }

    /** A handler that echoes every data message until the connection ends. */
    public static ConnHandler echo() {
        return (conn, request) -> {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        };
    }

    private void handle(Socket socket) throws Exception {
        RequestHead request = RequestHead.read(socket.getInputStream());
        requests.add(request);
        OutputStream out = socket.getOutputStream();
        String key = request.header("Sec-WebSocket-Key");
        if (!request.method().equals("GET")
                || !HeaderTokens.containsToken(request.values("Upgrade"), "websocket")
                || !HeaderTokens.containsToken(request.values("Connection"), "upgrade")
                || !HeaderTokens.containsToken(request.values("Sec-WebSocket-Version"), "13")
                || !AcceptKey.isValidClientKey(key)) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String chosen = "";
        for (String line : request.values("Sec-WebSocket-Protocol")) {
            for (String offered : HeaderTokens.tokens(line)) {
                if (chosen.isEmpty() && subprotocols.contains(offered)) {
                    chosen = offered;
                }
            }
        }
        StringBuilder response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(AcceptKey.accept(key)).append("\r\n");
        if (!chosen.isEmpty()) {
            response.append("Sec-WebSocket-Protocol: ").append(chosen).append("\r\n");
        }
        out.write(response.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Conn conn = WebSocketConn.open(new SocketNetConn(socket), ConnSettings.server().subprotocol(chosen));
        try (conn) {
            handler.serve(conn, request);
            endings.add(new IllegalStateException("handler returned normally"));
        } catch (CloseException e) {
            endings.add(e);
        } catch (Throwable e) {
            endings.add(e);
            throw e;
        }
    }

    /**
     * @param scheme {@code ws} or {@code wss}
     * @param path the path and query
     * @return the URL of this server on 127.0.0.1
     */
    public URI uri(String scheme, String path) {
        return server.uri(scheme, path);
    }

    /** @return the port */
    public int port() {
        return server.port();
    }

    /** @return the upgrade requests received, in order (blocking take for tests) */
    public BlockingQueue<RequestHead> requests() {
        return requests;
    }

    /** @return how each connection ended: the exception its handler ended with */
    public BlockingQueue<Throwable> endings() {
        return endings;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
