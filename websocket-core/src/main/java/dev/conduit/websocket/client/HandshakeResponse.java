package dev.conduit.websocket.client;

import java.util.List;
import java.util.Map;

/**
 * The server's answer to a successful opening handshake (gorilla's {@code *http.Response} from
 * {@code Dial}).
 *
 * @param status the HTTP status, always 101 for a completed handshake
 * @param reason the reason phrase of the status line, possibly empty
 * @param headers the response headers; names keep the server's spelling and are looked up ignoring case
 */
public record HandshakeResponse(int status, String reason, Map<String, List<String>> headers) {

    /**
     * The first value of a response header.
     *
     * @param name the header name, any case
     * @return its first value, or {@code null} if the server did not send it
     */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
