package dev.conduit.websocket.handshake;

import java.util.List;

/**
 * Chooses the subprotocol of a new server connection from what the client offered in its
 * {@code Sec-WebSocket-Protocol} header lines and what the server supports.
 */
@FunctionalInterface
public interface SubprotocolSelector {
    /**
     * RFC 6455 §4.2.2 and gorilla's current behaviour: the client lists its protocols in order of
     * preference, so the first offered protocol that the server supports wins (matched exactly,
     * protocol names are case-sensitive).
     */
    SubprotocolSelector CLIENT_PREFERENCE = (offered, supported) -> {
        for (String protocol : offered) {
            if (supported.contains(protocol)) {
                return protocol;
            }
        }
        return null;
    };

    /**
     * Picks a subprotocol.
     *
     * @param offered the client's protocols in its order of preference, from every header line
     * @param supported the server's protocols
     * @return one of {@code offered}, or {@code null} to proceed without a subprotocol
     */
    String select(List<String> offered, List<String> supported);
}
