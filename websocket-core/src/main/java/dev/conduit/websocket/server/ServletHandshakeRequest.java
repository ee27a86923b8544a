package dev.conduit.websocket.server;

import dev.conduit.websocket.handshake.HandshakeRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.List;

/** Presents an {@link HttpServletRequest} to the container-independent handshake logic. */
final class ServletHandshakeRequest implements HandshakeRequest {
    private final HttpServletRequest request;

    ServletHandshakeRequest(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String protocol() {
        return request.getProtocol();
    }

    @Override
    public List<String> headers(String name) {
        var values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }
}
