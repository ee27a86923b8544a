package dev.conduit.websocket.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only HTTP proxy that supports {@code CONNECT} only, optionally demanding a
 * {@code Proxy-Authorization} value, and records the requests it received.
 */
public final class ConnectProxy implements Closeable {
    private final TestServer server;
    private final String requiredAuthorization;
    private final List<RequestHead> requests = new CopyOnWriteArrayList<>();

    private ConnectProxy(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        this.server = TestServer.start(this::serve);
    }

    /**
     * @param requiredAuthorization the exact {@code Proxy-Authorization} value to demand, or {@code null}
     * @return a running proxy
     * @throws IOException if binding fails
     */
    public static ConnectProxy start(String requiredAuthorization) throws IOException {
        return new ConnectProxy(requiredAuthorization);
    }

    private void serve(Socket client) throws Exception {
        RequestHead request = RequestHead.read(client.getInputStream());
        requests.add(request);
        OutputStream out = client.getOutputStream();
        if (!request.method().equals("CONNECT")) {
            out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (requiredAuthorization != null && !requiredAuthorization.equals(request.header("Proxy-Authorization"))) {
            out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return;
        }
        int colon = request.target().lastIndexOf(':');
        String host = request.target().substring(0, colon);
        int port = Integer.parseInt(request.target().substring(colon + 1));
        try (Socket upstream = new Socket(host.replace("[", "").replace("]", ""), port)) {
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Relay.run(client, upstream);
        }
    }

    /** @return {@code http://127.0.0.1:port} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** @return the port */
    public int port() {
        return server.port();
    }

    /** @return the requests received, in order */
    public List<RequestHead> requests() {
        return requests;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
