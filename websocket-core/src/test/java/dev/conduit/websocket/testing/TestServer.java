package dev.conduit.websocket.testing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

/**
 * A test-only TCP (or TLS) server on 127.0.0.1: every accepted connection is handed to the handler
 * on its own thread. Closing the server closes every connection it accepted.
 */
public final class TestServer implements Closeable {
    /** What to do with one accepted connection; the socket is closed afterwards. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param socket the accepted connection
         * @throws Exception anything; recorded in {@link #errors()}
         */
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TestServer(ServerSocket serverSocket, Handler handler) {
        this.serverSocket = serverSocket;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "test-server-" + serverSocket.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /**
     * @param handler handles each connection
     * @return a plain TCP server
     * @throws IOException if binding fails
     */
    public static TestServer start(Handler handler) throws IOException {
        return start(0, handler);
    }

    /**
     * @param port the port to bind (0 for any), such as a closed server's to restart it
     * @param handler handles each connection
     * @return a plain TCP server
     * @throws IOException if binding fails
     */
    public static TestServer start(int port, Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        return new TestServer(s, handler);
    }

    /**
     * @param tls the server's TLS context (with its key)
     * @param handler handles each connection
     * @return a TLS server
     * @throws IOException if binding fails
     */
    public static TestServer startTls(SSLContext tls, Handler handler) throws IOException {
        ServerSocket s = tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TestServer(s, handler);
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            accepted.add(socket);
            Thread t = new Thread(() -> {
                try (socket) {
                    handler.handle(socket);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "test-server-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    /** @return the port */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** @return the bound address */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /**
     * @param scheme {@code ws}, {@code wss}, {@code http}...
     * @param pathAndQuery starting with {@code /}
     * @return a URI on 127.0.0.1 and this port
     */
    public URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + port() + pathAndQuery);
    }

    /** @return exceptions thrown by handlers */
    public List<Throwable> errors() {
        return errors;
    }

    /** @return how many connections were accepted */
    public int acceptedCount() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
