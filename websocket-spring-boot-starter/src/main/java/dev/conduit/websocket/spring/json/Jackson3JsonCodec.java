package dev.conduit.websocket.spring.json;

import dev.conduit.websocket.JsonCodec;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A {@link JsonCodec} on a Jackson 3 {@code tools.jackson.databind.ObjectMapper} (Spring Boot 4's
 * {@code JsonMapper} bean), so that {@code spring.jackson.*} and the application's customizations
 * shape {@code readJson}/{@code writeJson}. The starter is compiled once for Boot 3.5 and 4.0, where
 * only Jackson 2 is certain, so the mapper is called through reflection. Same contract as core's
 * Jackson 2 codec: a message that ends before its value is an {@link EOFException}, other bad
 * JSON an {@link IOException} with Jackson's exception as cause; the streams are never closed.
 */
public final class Jackson3JsonCodec implements JsonCodec {
    /** Jackson 3's mapper type. */
    public static final String OBJECT_MAPPER = "tools.jackson.databind.ObjectMapper";
    /** Jackson 3's JSON mapper type, the bean Spring Boot 4 defines. */
    public static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

    private final Object mapper;
    private final Object typeFactory;
    private final Method constructType;
    private final Method readValue;
    private final Method readerForUpdating;
    private final Method readerReadValue;
    private final Method writeValue;

    /**
     * @param mapper a {@code tools.jackson.databind.ObjectMapper}
     */
    public Jackson3JsonCodec(Object mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        try {
            ClassLoader loader = mapper.getClass().getClassLoader();
            Class<?> mapperType = Class.forName(OBJECT_MAPPER, false, loader);
            if (!mapperType.isInstance(mapper)) {
                throw new IllegalArgumentException("not a Jackson 3 ObjectMapper: " + mapper.getClass().getName());
            }
            Class<?> javaType = Class.forName("tools.jackson.databind.JavaType", false, loader);
            Method getTypeFactory = mapperType.getMethod("getTypeFactory");
            this.typeFactory = getTypeFactory.invoke(mapper);
            this.constructType = typeFactory.getClass().getMethod("constructType", Type.class);
            this.readValue = mapperType.getMethod("readValue", InputStream.class, javaType);
            this.readerForUpdating = mapperType.getMethod("readerForUpdating", Object.class);
            this.readerReadValue = readerForUpdating.getReturnType().getMethod("readValue", InputStream.class);
            this.writeValue = mapperType.getMethod("writeValue", OutputStream.class, Object.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Jackson 3 is not the expected one", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T read(InputStream in, Type type) throws IOException {
        EndWatchingStream watched = new EndWatchingStream(in);
        try {
            return (T) readValue.invoke(mapper, watched, constructType.invoke(typeFactory, type));
        } catch (InvocationTargetException e) {
            throw ioException(watched, e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void readInto(InputStream in, Object target) throws IOException {
        EndWatchingStream watched = new EndWatchingStream(in);
        try {
            readerReadValue.invoke(readerForUpdating.invoke(mapper, target), watched);
        } catch (InvocationTargetException e) {
            throw ioException(watched, e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(OutputStream out, Object value) throws IOException {
        try {
            writeValue.invoke(mapper, new UnclosedOutputStream(out), value);
        } catch (InvocationTargetException e) {
            throw ioException(null, e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    // Jackson 3's exceptions are unchecked; the codec's contract is IOException, EOF when the message ended first.
    private static IOException ioException(EndWatchingStream in, InvocationTargetException wrapper) {
        Throwable e = wrapper.getCause();
        if (e instanceof Error error) {
            throw error;
        }
        if (e instanceof IOException io) {
            return io;
        }
        if (!(e instanceof RuntimeException runtime) || !e.getClass().getName().startsWith("tools.jackson.")) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        if (in != null && in.reachedEnd) {
            EOFException eof = new EOFException("unexpected EOF in JSON message");
            eof.initCause(runtime);
            return eof;
        }
        return new IOException(runtime.getMessage(), runtime);
    }

    /** Remembers whether the message was read to its end, and is never closed by Jackson. */
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

        @Override
        public void close() {
            // the message stream belongs to the connection
        }
    }

    /** Passes writes through whole and leaves closing to the connection. */
    private static final class UnclosedOutputStream extends FilterOutputStream {
        UnclosedOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
