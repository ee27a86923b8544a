package dev.conduit.websocket.spring.client;

import dev.conduit.websocket.client.Dialer;

/** Adjusts the auto-configured {@link Dialer} after the properties are applied, in bean order. */
@FunctionalInterface
public interface DialerCustomizer {
    /**
     * @param builder the dialer being built
     */
    void customize(Dialer.Builder builder);
}
