package dev.conduit.websocket.spring.connections;

import dev.conduit.websocket.spring.endpoint.OpenConnection;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Map;

/**
 * An open connection, as {@link WebSocketConnections} lists it: a snapshot taken when asked.
 *
 * @param id the connection's id: 128 random bits, URL-safe Base64 (22 characters), unique and not guessable
 * @param endpoint the endpoint's path template, for example {@code /chat/{room}}
 * @param principal the name of the principal that upgraded, or {@code null} for an anonymous upgrade
 * @param remoteAddress the client's address and port (or the last proxy's), for example
 *        {@code 203.0.113.7:51234} or {@code [2001:db8::1]:51234}, or {@code null} when unknown
 * @param openedAt when the connection's handler started
 * @param attributes what the handler set with {@link dev.conduit.websocket.spring.endpoint.ConnectionAttributes}
 */
public record ConnectionInfo(String id, String endpoint, String principal, String remoteAddress, Instant openedAt,
        Map<String, String> attributes) {

    static ConnectionInfo of(OpenConnection c) {
        return new ConnectionInfo(c.id(), c.endpoint(), c.principal(), format(c.remoteAddress()), c.openedAt(),
                c.attributes().asMap());
    }

    static String format(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
