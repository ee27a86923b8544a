package dev.conduit.websocket.server;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.JsonCodec;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** TEMPORARY stub in branch starter mirroring the server branch's API, until it lands on main (take theirs on merge). */
public final class Upgrader {
    private final Builder b;

    private Upgrader(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder copy = new Builder();
        copy.subprotocols = b.subprotocols;
        copy.allowedOriginPatterns = b.allowedOriginPatterns;
        return copy;
    }

    public List<String> subprotocols() {
        return b.subprotocols;
    }

    public List<String> allowedOriginPatterns() {
        return b.allowedOriginPatterns;
    }

    public void upgrade(HttpServletRequest request, HttpServletResponse response,
            Map<String, List<String>> responseHeaders, ConnHandler handler) throws HandshakeException {
        throw new UnsupportedOperationException("stub");
    }

    public static final class Builder {
        private List<String> subprotocols = List.of();
        private List<String> allowedOriginPatterns = List.of();

        public Builder handshakeTimeout(Duration timeout) {
            return this;
        }

        public Builder readBufferSize(int size) {
            return this;
        }

        public Builder writeBufferSize(int size) {
            return this;
        }

        public Builder subprotocols(List<String> protocols) {
            subprotocols = List.copyOf(protocols);
            return this;
        }

        public Builder allowedOriginPatterns(List<String> patterns) {
            allowedOriginPatterns = List.copyOf(patterns);
            return this;
        }

        public Builder jsonCodec(JsonCodec codec) {
            return this;
        }

        public Builder listener(ConnListener listener) {
            return this;
        }

        public Builder readLimit(long limit) {
            return this;
        }

        public Upgrader build() {
            return new Upgrader(this);
        }
    }
}
