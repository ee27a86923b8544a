package dev.conduit.websocket.spring.autoconfigure;

import dev.conduit.websocket.server.Upgrader;

/**
 * Adjusts the auto-configured {@link Upgrader} beyond what {@code conduit.websocket.*} offers (a
 * subprotocol selector, an origin check, a write buffer pool, a handshake error handler…) without
 * replacing it. Every bean of this type is applied, in {@code @Order}, after the properties.
 */
@FunctionalInterface
public interface UpgraderCustomizer {
    /**
     * @param builder the builder, already set from the properties
     */
    void customize(Upgrader.Builder builder);
}
