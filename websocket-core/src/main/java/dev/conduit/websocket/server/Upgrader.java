package dev.conduit.websocket.server;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** TEMPORARY stub in branch starter until the server helper's Upgrader lands on main. */
public class Upgrader {
    public void setHandshakeTimeout(Duration timeout) {
    }

    public void setReadBufferSize(int size) {
    }

    public void setWriteBufferSize(int size) {
    }

    public void setSubprotocols(List<String> subprotocols) {
    }

    public void setAllowedOriginPatterns(List<String> patterns) {
    }

    public void setCheckOrigin(Predicate<HttpServletRequest> check) {
    }

    public void setJsonCodec(JsonCodec codec) {
    }

    public void setListener(ConnListener listener) {
    }

    public void setReadLimit(long limit) {
    }

    public void upgrade(HttpServletRequest request, HttpServletResponse response,
            Map<String, List<String>> responseHeaders, ConnHandler handler) throws IOException {
        throw new UnsupportedOperationException("stub");
    }
}
