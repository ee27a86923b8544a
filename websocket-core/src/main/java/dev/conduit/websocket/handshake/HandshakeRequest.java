package dev.conduit.websocket.handshake;

import java.util.List;

/**
 * The parts of an HTTP upgrade request that the server handshake looks at, independent of any
 * Servlet container (so the validation can be tested without one).
 */
public interface HandshakeRequest {
    /** @return the request method, for example {@code GET} */
    String method();

    /** @return the request protocol, for example {@code HTTP/1.1} */
    String protocol();

    /**
     * Every line of a request header, in the order received.
     *
     * @param name the header name, matched ignoring case
     * @return the values, empty if the header is absent
     */
    List<String> headers(String name);

    /**
     * The first line of a request header.
     *
     * @param name the header name, matched ignoring case
     * @return the value, or {@code null} if absent
     */
    default String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }
}
