package dev.conduit.websocket.compression;

import java.util.List;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header: an extension token and its parameters,
 * in the order written (duplicates kept, so that a negotiator can reject them).
 *
 * @param name the extension token as written
 * @param params the parameters in order
 */
public record Extension(String name, List<ExtensionParam> params) {
    /**
     * @param name the extension token
     * @param params the parameters (copied)
     */
    public Extension {
        Objects.requireNonNull(name, "name");
        params = List.copyOf(params);
    }
}
