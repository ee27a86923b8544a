package dev.conduit.websocket.compression;

import java.util.Objects;

/**
 * One parameter of an extension in a {@code Sec-WebSocket-Extensions} header.
 *
 * @param name the parameter name as written
 * @param value the value, unescaped if it was a quoted string, or {@code null} when the parameter
 *        had no {@code =value}
 */
public record ExtensionParam(String name, String value) {
    /**
     * @param name the parameter name as written
     * @param value the value or {@code null}
     */
    public ExtensionParam {
        Objects.requireNonNull(name, "name");
    }
}
