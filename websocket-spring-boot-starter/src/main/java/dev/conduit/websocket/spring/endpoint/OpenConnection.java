package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One connection whose handler runs, as the {@link ConnectionRegistry} tracks it: what it is
 * (id, endpoint, principal, peer, when it opened, its attributes) and the {@link Conn} to act on.
 * The Conn is the container's, not the handler's view of it; writes to it are safe from any thread
 * (see {@link Conn}), reads belong to the handler.
 */
public final class OpenConnection {
    private final String id;
    private final String endpoint;
    private final String principal;
    private final InetSocketAddress remoteAddress;
    private final Instant openedAt;
    private final ConnectionAttributes attributes;
    private final Conn conn;
    private volatile Conn handlerConn;

    OpenConnection(String id, String endpoint, String principal, InetSocketAddress remoteAddress, Instant openedAt, Conn conn) {
        this.id = id;
        this.endpoint = endpoint;
        this.principal = principal;
        this.remoteAddress = remoteAddress;
        this.openedAt = openedAt;
        this.attributes = new ConnectionAttributes(id);
        this.conn = conn;
        this.handlerConn = conn;
    }

    /** @return the id: 128 random bits, URL-safe Base64 without padding (22 characters) */
    public String id() {
        return id;
    }

    /** @return the endpoint's path template, for example {@code /chat/{room}} */
    public String endpoint() {
        return endpoint;
    }

    /** @return the name of the principal that upgraded, or {@code null} for an anonymous upgrade */
    public String principal() {
        return principal;
    }

    /** @return the client's address (or the last proxy's), or {@code null} when unknown */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** @return when the handler started */
    public Instant openedAt() {
        return openedAt;
    }

    /** @return the attributes the handler set */
    public ConnectionAttributes attributes() {
        return attributes;
    }

    /** @return the connection */
    public Conn conn() {
        return conn;
    }

    /**
     * @return the Conn the handler method received: the same connection, possibly wrapped for
     *         supervision; the one the handler hands to the hub ({@code Hub.join}), so the one to
     *         look the connection up by there
     */
    public Conn handlerConn() {
        return handlerConn;
    }

    void handlerConn(Conn view) {
        this.handlerConn = view;
    }

    @Override
    public String toString() {
        return "OpenConnection[" + id + " " + endpoint + "]";
    }
}
