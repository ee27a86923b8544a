package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections by Conn, by id and by principal name, for the {@link ConnectionRegistry}.
 * Lookups by id and principal are constant time; a listing copies the values.
 */
final class OpenConnectionIndex {
    private static final Logger log = LoggerFactory.getLogger(OpenConnectionIndex.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Conn, OpenConnection> byConn = new ConcurrentHashMap<>();
    private final Map<String, OpenConnection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<OpenConnection>> byPrincipal = new ConcurrentHashMap<>();
    private final List<Consumer<OpenConnection>> closedListeners = new CopyOnWriteArrayList<>();

    OpenConnection add(Conn conn, String endpoint, HandshakeInfo info) {
        String principal = info == null || info.principal() == null ? null : info.principal().getName();
        OpenConnection c = new OpenConnection(newId(), endpoint, principal, remoteAddress(conn, info), Instant.now(), conn);
        byConn.put(conn, c);
        byId.put(c.id(), c);
        if (principal != null) {
            byPrincipal.compute(principal, (name, set) -> {
                Set<OpenConnection> members = set != null ? set : ConcurrentHashMap.newKeySet();
                members.add(c);
                return members;
            });
        }
        return c;
    }

    /** The snapshot's remote address, as the Conn's own object when they are equal: one fewer per connection. */
    private static InetSocketAddress remoteAddress(Conn conn, HandshakeInfo info) {
        InetSocketAddress address = info == null ? null : info.remoteAddress();
        return address != null && address.equals(conn.remoteAddr()) ? (InetSocketAddress) conn.remoteAddr() : address;
    }

    /** @return whether the connection was open */
    boolean remove(Conn conn) {
        OpenConnection c = byConn.remove(conn);
        if (c == null) {
            return false;
        }
        byId.remove(c.id());
        if (c.principal() != null) {
            byPrincipal.computeIfPresent(c.principal(), (name, set) -> {
                set.remove(c);
                return set.isEmpty() ? null : set;
            });
        }
        for (Consumer<OpenConnection> listener : closedListeners) {
            try {
                listener.accept(c);
            } catch (RuntimeException e) {
                log.warn("A listener of closed WebSocket connections failed", e);
            }
        }
        return true;
    }

    void onClosed(Consumer<OpenConnection> listener) {
        closedListeners.add(listener);
    }

    OpenConnection byId(String id) {
        return id == null ? null : byId.get(id);
    }

    List<OpenConnection> byPrincipal(String name) {
        Set<OpenConnection> set = name == null ? null : byPrincipal.get(name);
        return set == null ? List.of() : List.copyOf(set);
    }

    Collection<OpenConnection> all() {
        return List.copyOf(byConn.values());
    }

    List<Conn> conns() {
        return List.copyOf(byConn.keySet());
    }

    boolean isEmpty() {
        return byConn.isEmpty();
    }

    // 128 random bits: unguessable, so an id seen in one place does not lead to others.
    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
