package dev.conduit.websocket.server;

import java.io.IOException;

/**
 * What the Servlet API cannot do on an upgraded connection but a WebSocket needs: per-call
 * timeouts on blocked reads and writes, and a close that wakes a reader blocked in another
 * thread. Container-specific implementations reach into the container; see
 * {@link TomcatSocketLevers}.
 */
interface SocketLevers {
    /** @return whether {@link #setReadTimeout} and {@link #setWriteTimeout} take effect */
    boolean supportsTimeouts();

    /**
     * @param millis the longest a blocked read waits, or -1 for no limit
     */
    void setReadTimeout(long millis);

    /**
     * @param millis the longest a blocked write waits, or -1 for no limit
     */
    void setWriteTimeout(long millis);

    /**
     * Ends the connection at the socket, from any thread: a blocked read returns at once and the
     * peer sees the end of the stream, without waiting for the container's own close.
     *
     * @throws IOException if the socket could not be shut down
     */
    void shutdown() throws IOException;

    /** The fallback for containers without levers: no timeouts; close through the WebConnection. */
    static SocketLevers none(jakarta.servlet.http.WebConnection connection) {
        return new SocketLevers() {
            @Override
            public boolean supportsTimeouts() {
                return false;
            }

            @Override
            public void setReadTimeout(long millis) {
            }

            @Override
            public void setWriteTimeout(long millis) {
            }

            @Override
            public void shutdown() throws IOException {
                try {
                    connection.close();
                } catch (IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException("closing the upgraded connection failed", e);
                }
            }
        };
    }
}
