package dev.conduit.websocket.server;

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

    private TomcatSocketLevers(Object socketWrapper, MethodHandle setReadTimeout, MethodHandle setWriteTimeout,
                               Object channel) {
        this.socketWrapper = socketWrapper;
        this.setReadTimeout = setReadTimeout;
        this.setWriteTimeout = setWriteTimeout;
        this.channel = channel;
    }

    /**
     * @param upgradedInput the upgraded connection's input stream
     * @return the levers, or {@code null} if the stream is not Tomcat's (or Tomcat changed)
     */
    static TomcatSocketLevers of(Object upgradedInput) {
        if (!upgradedInput.getClass().getName().startsWith("org.apache.coyote.")) {
            return null;
        }
        try {
            Field f = upgradedInput.getClass().getDeclaredField("socketWrapper");
            f.setAccessible(true);
            Object wrapper = f.get(upgradedInput);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    wrapper.getClass().getClassLoader());
            MethodType longSetter = MethodType.methodType(void.class, long.class);
            MethodHandle read = lookup.findVirtual(base, "setReadTimeout", longSetter);
            MethodHandle write = lookup.findVirtual(base, "setWriteTimeout", longSetter);
            Object socket = base.getMethod("getSocket").invoke(wrapper);
            Method ioChannel = socket.getClass().getMethod("getIOChannel");
            Object channel = ioChannel.invoke(socket);
            if (!(channel instanceof SocketChannel) && !(channel instanceof AsynchronousSocketChannel)) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: unexpected Tomcat channel {0}; no socket levers",
                        channel == null ? null : channel.getClass());
                return null;
            }
            return new TomcatSocketLevers(wrapper, read, write, channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat socket levers not reachable; deadlines unsupported", e);
            return null;
        }
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
            setter.invoke(socketWrapper, millis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Tomcat socket timeout setter failed", t);
        }
    }
}
