package dev.conduit.websocket.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.JsonCodec;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The default {@link JsonCodec}, on Jackson's {@link ObjectMapper}. An empty, blank or truncated
 * message fails with {@link EOFException} (gorilla's {@code io.ErrUnexpectedEOF}), keeping
 * Jackson's exception as the cause.
 */
public final class JacksonJsonCodec implements JsonCodec {
    private static final JacksonJsonCodec SHARED = new JacksonJsonCodec(new ObjectMapper());

    private final ObjectMapper mapper;

    /** @param mapper the mapper to use; it is copied so that stream closing can be switched off */
    public JacksonJsonCodec(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper").copy()
                .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /** @return a codec over a default {@code ObjectMapper}, shared by all connections */
    public static JacksonJsonCodec shared() {
        return SHARED;
    }

    @Override
    public <T> T read(InputStream in, Type type) throws IOException {
        EndWatchingStream watched = new EndWatchingStream(in);
        try {
            return mapper.readValue(watched, mapper.constructType(type));
        } catch (JsonProcessingException e) {
            throw eofOr(watched, e);
        }
    }

    @Override
    public void readInto(InputStream in, Object target) throws IOException {
        EndWatchingStream watched = new EndWatchingStream(in);
        try {
            mapper.readerForUpdating(target).readValue(watched);
        } catch (JsonProcessingException e) {
            throw eofOr(watched, e);
        }
    }

    @Override
    public void write(OutputStream out, Object value) throws IOException {
        mapper.writeValue(out, value);
    }

    // Jackson words a document cut short in several ways (end-of-input, "No content", wrapped in
    // mapping errors); what they share is that the message ended before the value did.
    private static IOException eofOr(EndWatchingStream in, JsonProcessingException e) {
        if (in.reachedEnd) {
            EOFException eof = new EOFException("unexpected EOF in JSON message");
            eof.initCause(e);
            return eof;
        }
        return e;
    }

    /** Remembers whether the message was read to its end. */
    private static final class EndWatchingStream extends FilterInputStream {
        boolean reachedEnd;

        EndWatchingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            reachedEnd |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            reachedEnd |= n < 0;
            return n;
        }
    }
}
