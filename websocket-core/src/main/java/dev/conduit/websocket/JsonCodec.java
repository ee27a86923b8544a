package dev.conduit.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * How {@link Conn#readJson(Class)} and {@link Conn#writeJson(Object)} turn values into bytes.
 * The default is backed by Jackson's {@code ObjectMapper}; supply another one through the
 * {@code Upgrader} or {@code Dialer}.
 */
public interface JsonCodec {
    /**
     * Decodes one JSON value from {@code in}; bytes after it are ignored.
     *
     * @param in the message payload
     * @param type the target type
     * @param <T> the target type
     * @return the value
     * @throws java.io.EOFException if the message is empty, blank or truncated
     * @throws IOException if the JSON is malformed or does not fit the type
     */
    <T> T read(InputStream in, Type type) throws IOException;

    /**
     * Decodes one JSON value from {@code in} into the existing object {@code target}.
     *
     * @param in the message payload
     * @param target the object whose properties are set
     * @throws java.io.EOFException if the message is empty, blank or truncated
     * @throws IOException if the JSON is malformed or does not fit
     */
    void readInto(InputStream in, Object target) throws IOException;

    /**
     * Encodes {@code value} as JSON.
     *
     * @param out where to write
     * @param value the value
     * @throws IOException if the value cannot be encoded
     */
    void write(OutputStream out, Object value) throws IOException;
}
