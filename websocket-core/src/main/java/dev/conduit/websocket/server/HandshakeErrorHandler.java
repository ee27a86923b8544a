package dev.conduit.websocket.server;

import dev.conduit.websocket.HandshakeException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.conduit.websocket.handshake.ServerHandshake;

/**
 * gorilla's {@code Upgrader.Error}: writes the HTTP answer to a refused upgrade request. The
 * default, {@link #PLAIN_TEXT}, answers with the status, the headers RFC 6455 asks for and a
 * plain-text body saying what was wrong (gorilla's default hides the reason; we do not).
 */
@FunctionalInterface
public interface HandshakeErrorHandler {
    /**
     * Status, {@code Allow: GET} (405) or {@code Upgrade: websocket} and
     * {@code Sec-WebSocket-Version: 13} (426), {@code Content-Type: text/plain; charset=UTF-8},
     * {@code X-Content-Type-Options: nosniff}, and the reason followed by a newline as the body.
     */
    HandshakeErrorHandler PLAIN_TEXT = (request, response, error) -> {
        if (response.isCommitted()) {
            return;
        }
        // No reset(): headers set by filters before the servlet (security headers, CORS) stay.
        response.setStatus(error.status());
        for (Map.Entry<String, String> h : ServerHandshake.errorHeaders(error.status()).entrySet()) {
            response.setHeader(h.getKey(), h.getValue());
        }
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType("text/plain; charset=UTF-8");
        byte[] body = (error.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    };

    /**
     * Writes the answer to a refused upgrade.
     *
     * @param request the upgrade request
     * @param response its response, not yet committed
     * @param error the status and the reason
     * @throws IOException if writing the answer failed
     */
    void handle(HttpServletRequest request, HttpServletResponse response, HandshakeException error) throws IOException;
}
