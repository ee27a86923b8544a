package dev.conduit.websocket.server.internal;

import jakarta.servlet.http.WebConnection;

import java.net.SocketAddress;

/** Opens the transport of an upgraded connection. */
public final class TransportFactory {
    private TransportFactory() {
    }

    /**
     * Opens the transport of an upgraded connection: takes the channel over where the
     * {@code runtime} says so, otherwise uses the container's streams.
     *
     * @throws TakeoverException when the takeover failed past its point of no return: the
     *                           connection is lost (its channel is still open, for a close frame)
     * @throws IllegalStateException when the container gives the connection no streams
     */
    public static ServerNetConn open(WebConnection connection, SocketAddress local, SocketAddress remote,
                                     TransportRuntime runtime) throws TakeoverException {
        return ServletNetConn.open(connection, local, remote, runtime);
    }
}
