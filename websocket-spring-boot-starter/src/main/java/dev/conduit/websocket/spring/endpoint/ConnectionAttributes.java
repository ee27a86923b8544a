package dev.conduit.websocket.spring.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The attributes of one connection: short strings the handler sets (a user id, a tenant, a client
 * version) that the {@code WebSocketConnections} bean and the {@code websocketconnections} Actuator
 * endpoint show beside the connection. A handler method receives them by declaring a parameter of
 * this type:
 *
 * <pre>{@code
 * @WebSocketEndpoint("/chat")
 * public void chat(Conn conn, ConnectionAttributes attributes, HandshakeInfo handshake) throws IOException {
 *     attributes.put("client", handshake.queryParameter("client"));
 *     ...
 * }
 * }</pre>
 *
 * <p>Bounded, since a handler may copy what the client sent: at most {@value #MAX_ATTRIBUTES}
 * attributes, names of 1 to {@value #MAX_NAME_LENGTH} characters, values of at most
 * {@value #MAX_VALUE_LENGTH} characters; beyond, {@link #put} throws {@link IllegalArgumentException}.
 * Values are strings so that every one can be shown as JSON and masked. Thread-safe.
 */
public final class ConnectionAttributes {
    /** The most attributes one connection holds. */
    public static final int MAX_ATTRIBUTES = 32;
    /** The longest attribute name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** The longest attribute value, in characters. */
    public static final int MAX_VALUE_LENGTH = 1024;

    private final String id;
    /** Created by the first {@link #put}: most connections have no attributes. Guarded by {@code this}. */
    private Map<String, String> values;

    ConnectionAttributes(String id) {
        this.id = id;
    }

    /** @return the connection's id, as the registry and the Actuator endpoint show it */
    public String connectionId() {
        return id;
    }

    /**
     * Sets an attribute; {@code null} removes it.
     *
     * @param name the name, 1 to {@value #MAX_NAME_LENGTH} characters
     * @param value the value, at most {@value #MAX_VALUE_LENGTH} characters, or {@code null}
     * @return the previous value, or {@code null}
     * @throws IllegalArgumentException if the name or value is too long, or the connection already
     *         has {@value #MAX_ATTRIBUTES} attributes
     */
    public String put(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("connection attribute names have 1 to " + MAX_NAME_LENGTH
                    + " characters, got " + name.length());
        }
        if (value == null) {
            return remove(name);
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("connection attribute '" + name + "' has " + value.length()
                    + " characters, at most " + MAX_VALUE_LENGTH + " are kept");
        }
        synchronized (this) {
            if (values == null) {
                values = new LinkedHashMap<>();
            }
            if (!values.containsKey(name) && values.size() >= MAX_ATTRIBUTES) {
                throw new IllegalArgumentException("a connection holds at most " + MAX_ATTRIBUTES + " attributes");
            }
            return values.put(name, value);
        }
    }

    /**
     * @param name the name
     * @return the value, or {@code null}
     */
    public String get(String name) {
        synchronized (this) {
            return values == null ? null : values.get(name);
        }
    }

    /**
     * @param name the name
     * @return the removed value, or {@code null}
     */
    public String remove(String name) {
        synchronized (this) {
            return values == null ? null : values.remove(name);
        }
    }

    /** @return a copy of the attributes, in the order they were first set */
    public Map<String, String> asMap() {
        synchronized (this) {
            return values == null ? java.util.Collections.emptyMap() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    @Override
    public String toString() {
        return "ConnectionAttributes" + asMap();
    }
}
