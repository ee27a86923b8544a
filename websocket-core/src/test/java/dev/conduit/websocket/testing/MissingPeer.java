package dev.conduit.websocket.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a real peer (Python websockets, Node ws, a browser) is not installed: on a
 * developer's machine it is skipped; under {@code CI=true} it fails, since CI installs every peer.
 */
public final class MissingPeer {
    private MissingPeer() {
    }

    /**
     * Fails (under {@code CI=true}) or aborts the current test; never returns normally.
     *
     * @param message what is missing and how to install it
     * @return never; declared so callers can write {@code throw MissingPeer.fail(...)}
     */
    public static IllegalStateException fail(String message) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
