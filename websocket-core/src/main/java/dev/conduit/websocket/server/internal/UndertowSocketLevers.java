package dev.conduit.websocket.server.internal;

import jakarta.servlet.http.WebConnection;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Undertow's lever on an upgraded connection, reached by reflection: the {@code WebConnection}
 * holds XNIO's {@code StreamConnection}, whose NIO implementation holds the JDK
 * {@link SocketChannel}. Shutting its input down wakes a reader blocked in Undertow's blocking read
 * ({@code WebConnection.close()} does not). Undertow applies no timeout while a blocking read
 * waits, so it has no timeout lever; {@link ContainerNetConn} enforces deadlines with a watchdog
 * that shuts the socket down instead.
 */
final class UndertowSocketLevers implements SocketLevers {
    private static final System.Logger LOG = System.getLogger(UndertowSocketLevers.class.getName());

    private final SocketChannel channel;

    private UndertowSocketLevers(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * @param connection the upgraded connection
     * @return the levers, or {@code null} if it is not Undertow's (or Undertow changed)
     */
    static UndertowSocketLevers of(WebConnection connection) {
        if (!connection.getClass().getName().startsWith("io.undertow.")) {
            return null;
        }
        try {
            Field f = connection.getClass().getDeclaredField("channel");
            f.setAccessible(true);
            Object streamConnection = f.get(connection);
            for (Class<?> c = streamConnection.getClass(); c != null; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals("getChannel") && m.getParameterCount() == 0
                            && SocketChannel.class.isAssignableFrom(m.getReturnType())) {
                        m.setAccessible(true);
                        return new UndertowSocketLevers((SocketChannel) m.invoke(streamConnection));
                    }
                }
            }
            LOG.log(System.Logger.Level.DEBUG, "websocket: no socket channel in Undertow connection {0}",
                    streamConnection.getClass());
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Undertow socket lever not reachable", e);
            return null;
        }
    }

    @Override
    public boolean supportsTimeouts() {
        return false;
    }

    @Override
    public boolean canShutdown() {
        return true;
    }

    @Override
    public void setReadTimeout(long millis) {
    }

    @Override
    public void setWriteTimeout(long millis) {
    }

    @Override
    public void shutdownInput() {
        SocketLevers.shutdown(channel, true, LOG);
    }

    @Override
    public void shutdownOutput() {
        SocketLevers.shutdown(channel, false, LOG);
    }
}
