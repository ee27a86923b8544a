package dev.conduit.websocket.server.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Tomcat's levers on an upgraded connection, reached by reflection because they are internal:
 * the upgraded {@code ServletInputStream} holds the connection's {@code SocketWrapperBase} in its
 * {@code socketWrapper} field.
 * <ul>
 *   <li>Timeouts: Tomcat gives upgraded connections infinite read and write timeouts and its
 *       blocking read ignores {@code close()} and interrupts; {@code SocketWrapperBase.setReadTimeout}
 *       / {@code setWriteTimeout} are read on every blocking wait, so setting the time left before
 *       each call makes a blocked read or write fail with {@code SocketTimeoutException} on time.</li>
 *   <li>Shutdown: shutting down the socket channel's input makes the poller see it readable and
 *       wake a blocked reader (which then sees EOF); shutting down its output sends FIN at once.
 *       Tomcat closes the socket itself when {@code init()} returns.</li>
 *   <li>Direct I/O: on the plaintext NIO connector the {@code NioChannel}'s {@code SocketChannel}
 *       is offered as {@link #directChannel()}; {@code updateLastRead} / {@code updateLastWrite}
 *       keep the poller's timeout check right when a blocking call follows direct I/O.</li>
 *   <li>Taking the channel ({@link TomcatTakeover}) and shrinking Tomcat's buffers
 *       ({@link TomcatBuffers}), each in a class of its own.</li>
 * </ul>
 * Works with Tomcat 10.1 and 11 (NIO and NIO2 connectors); {@link #of} returns {@code null}
 * elsewhere.
 */
final class TomcatSocketLevers implements SocketLevers {
    private static final System.Logger LOG = System.getLogger(TomcatSocketLevers.class.getName());

    private final Object socketWrapper;
    private final MethodHandle setReadTimeout;
    private final MethodHandle setWriteTimeout;
    private final Object channel;
    /** The plaintext NIO channel, or null (TLS wraps it in a SecureNioChannel, NIO2 is asynchronous). */
    private final SocketChannel directChannel;
    private final MethodHandle updateLastRead;
    private final MethodHandle updateLastWrite;
    /** @see TomcatBuffers#SHRUNK_READ_BUFFER */
    static final int SHRUNK_READ_BUFFER = TomcatBuffers.SHRUNK_READ_BUFFER;
    private final TomcatBuffers buffers;

    private TomcatSocketLevers(Object socketWrapper, MethodHandle setReadTimeout, MethodHandle setWriteTimeout,
                               Object channel, SocketChannel directChannel, MethodHandle updateLastRead,
                               MethodHandle updateLastWrite) {
        this.socketWrapper = socketWrapper;
        this.setReadTimeout = setReadTimeout;
        this.setWriteTimeout = setWriteTimeout;
        this.channel = channel;
        this.directChannel = directChannel;
        this.updateLastRead = updateLastRead;
        this.updateLastWrite = updateLastWrite;
        this.buffers = new TomcatBuffers(socketWrapper);
    }

    /**
     * The method handles for one Tomcat socket wrapper class, looked up once per class: looked up
     * per connection they were four handles with their member names and type adaptations, about
     * 600 bytes of every idle connection's heap.
     */
    private record WrapperHandles(MethodHandle setReadTimeout, MethodHandle setWriteTimeout,
                                  MethodHandle updateLastRead, MethodHandle updateLastWrite) {
        private static final ClassValue<WrapperHandles> BY_CLASS = new ClassValue<>() {
            @Override
            protected WrapperHandles computeValue(Class<?> wrapperClass) {
                try {
                    return lookUp(wrapperClass);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat socket levers not reachable; deadlines unsupported", e);
                    return null;
                }
            }
        };

        static WrapperHandles of(Class<?> wrapperClass) {
            return BY_CLASS.get(wrapperClass);
        }

        private static WrapperHandles lookUp(Class<?> wrapperClass) throws ReflectiveOperationException {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    wrapperClass.getClassLoader());
            MethodType longSetter = MethodType.methodType(void.class, long.class);
            // Typed for exact invocation: (Object, long) and (Object), no adaptation per call.
            MethodHandle read = lookup.findVirtual(base, "setReadTimeout", longSetter)
                    .asType(MethodType.methodType(void.class, Object.class, long.class));
            MethodHandle write = lookup.findVirtual(base, "setWriteTimeout", longSetter)
                    .asType(MethodType.methodType(void.class, Object.class, long.class));
            MethodHandle lastRead = null;
            MethodHandle lastWrite = null;
            MethodType noArgs = MethodType.methodType(void.class);
            try {
                lastRead = lookup.findVirtual(wrapperClass, "updateLastRead", noArgs)
                        .asType(MethodType.methodType(void.class, Object.class));
                lastWrite = lookup.findVirtual(wrapperClass, "updateLastWrite", noArgs)
                        .asType(MethodType.methodType(void.class, Object.class));
            } catch (ReflectiveOperationException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's activity stamps not reachable; no direct I/O", e);
            }
            return new WrapperHandles(read, write, lastRead, lastWrite);
        }
    }

    /** The upgraded input stream's {@code socketWrapper} field, per stream class. */
    private static final ClassValue<Field> SOCKET_WRAPPER_FIELD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> inputClass) {
            try {
                Field f = inputClass.getDeclaredField("socketWrapper");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's upgraded stream has no reachable socket wrapper", e);
                return null;
            }
        }
    };

    /**
     * @param upgradedInput the upgraded connection's input stream
     * @return the levers, or {@code null} if the stream is not Tomcat's (or Tomcat changed)
     */
    static TomcatSocketLevers of(Object upgradedInput) {
        if (!upgradedInput.getClass().getName().startsWith("org.apache.coyote.")) {
            return null;
        }
        try {
            Field f = SOCKET_WRAPPER_FIELD.get(upgradedInput.getClass());
            if (f == null) {
                return null;
            }
            Object wrapper = f.get(upgradedInput);
            WrapperHandles handles = WrapperHandles.of(wrapper.getClass());
            if (handles == null) {
                return null;
            }
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    wrapper.getClass().getClassLoader());
            Object socket = base.getMethod("getSocket").invoke(wrapper);
            Method ioChannel = socket.getClass().getMethod("getIOChannel");
            Object channel = ioChannel.invoke(socket);
            if (!(channel instanceof SocketChannel) && !(channel instanceof AsynchronousSocketChannel)) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: unexpected Tomcat channel {0}; no socket levers",
                        channel == null ? null : channel.getClass());
                return null;
            }
            SocketChannel direct = null;
            // Exactly NioChannel: its subclass SecureNioChannel holds TLS state the raw channel must not bypass.
            if (channel instanceof SocketChannel sc && !sc.isBlocking() && handles.updateLastRead() != null
                    && socket.getClass().getName().equals("org.apache.tomcat.util.net.NioChannel")) {
                direct = sc;
            }
            return new TomcatSocketLevers(wrapper, handles.setReadTimeout(), handles.setWriteTimeout(), channel, direct,
                    handles.updateLastRead(), handles.updateLastWrite());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat socket levers not reachable; deadlines unsupported", e);
            return null;
        }
    }

    /** @return the connection's {@code SocketWrapperBase} */
    Object socketWrapper() {
        return socketWrapper;
    }

    @Override
    public boolean supportsTimeouts() {
        return true;
    }

    // The last values set: most reads and writes ask for the same timeout (usually none), and the
    // reflective setter showed up at ~5% of samples in a profile of the echo benchmark.
    private volatile long readTimeout = Long.MIN_VALUE;
    private volatile long writeTimeout = Long.MIN_VALUE;

    @Override
    public void setReadTimeout(long millis) {
        if (millis != readTimeout) {
            invoke(setReadTimeout, millis);
            readTimeout = millis;
        }
    }

    @Override
    public void setWriteTimeout(long millis) {
        if (millis != writeTimeout) {
            invoke(setWriteTimeout, millis);
            writeTimeout = millis;
        }
    }

    @Override
    public SocketChannel directChannel() {
        return directChannel;
    }

    @Override
    public String containerVersion() {
        return TomcatVersion.of(socketWrapper.getClass().getClassLoader());
    }

    @Override
    public TakenChannel takeChannel(TransportRuntime transport) throws TakeoverException {
        return directChannel == null ? null : new TomcatTakeover(socketWrapper, directChannel).take(transport);
    }

    @Override
    public void noteDirectActivity(boolean read) {
        if (directChannel == null) {
            return;
        }
        try {
            if (read) {
                updateLastRead.invokeExact(socketWrapper);
            } else {
                updateLastWrite.invokeExact(socketWrapper);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Tomcat activity stamp failed", t);
        }
    }

    @Override
    public void shrinkBuffers(boolean taken) {
        if (directChannel != null) {
            buffers.shrink(taken);
        }
    }

    @Override
    public void restoreBuffers() {
        buffers.restore();
    }

    @Override
    public boolean canShutdown() {
        return true;
    }

    @Override
    public void shutdownInput() {
        SocketLevers.shutdown(channel, true, LOG);
    }

    @Override
    public void shutdownOutput() {
        SocketLevers.shutdown(channel, false, LOG);
    }

    private void invoke(MethodHandle setter, long millis) {
        try {
            setter.invokeExact(socketWrapper, millis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Tomcat socket timeout setter failed", t);
        }
    }
}
