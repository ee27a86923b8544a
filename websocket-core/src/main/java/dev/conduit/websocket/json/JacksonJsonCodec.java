package dev.conduit.websocket.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.conduit.websocket.JsonCodec;
import java.io.EOFException;
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
        try {
            return mapper.readValue(in, mapper.constructType(type));
        } catch (JsonEOFException | MismatchedInputException e) {
            throw eofOr(e);
        }
    }

    @Override
    public void readInto(InputStream in, Object target) throws IOException {
        try {
            mapper.readerForUpdating(target).readValue(in);
        } catch (JsonEOFException | MismatchedInputException e) {
            throw eofOr(e);
        }
    }

    @Override
    public void write(OutputStream out, Object value) throws IOException {
        mapper.writeValue(out, value);
    }

    // Jackson reports "no content" as a MismatchedInputException; only that one means EOF.
    private static IOException eofOr(IOException e) {
        if (e instanceof JsonEOFException
                || (e instanceof MismatchedInputException && String.valueOf(e.getMessage()).startsWith("No content"))) {
            EOFException eof = new EOFException("unexpected EOF in JSON message");
            eof.initCause(e);
            return eof;
        }
        return e;
    }
}
