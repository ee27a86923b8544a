package dev.conduit.websocket.server;

import jakarta.servlet.http.HttpServlet;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the taken channel, Tomcat may still close a connection's socket wrapper while the WebSocket
 * runs (its poller did so when it finished a round after the takeover had cancelled the key, see
 * {@link TomcatSocketLevers#takeChannel}). Tomcat then puts the connection's channel,
 * with its buffers, back in its cache before the handler's end can give the buffers their size
 * back. The next connection that gets that channel must still be served: with 0-byte buffers it
 * could never read its upgrade request and stalled.
 */
class TakenChannelRecycleTest {
    final Upgrader upgrader = Upgrader.builder().build();

    @org.junit.jupiter.api.AfterEach
    void closeUpgrader() {
        upgrader.close();
    }
    final CountDownLatch handlerEnded = new CountDownLatch(1);

    final HttpServlet echo = EmbeddedTomcat.echo(upgrader, handlerEnded);

    @Test
    void aChannelTomcatRecyclesWhileItsWebSocketRunsStillServesTheNextConnection() throws Exception {
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo, 20)) {
            JdkClient first = JdkClient.connect(server.wsUri());
            first.ws.sendText("first", true);
            assertThat(first.next()).isEqualTo("first");

            AbstractEndpoint<?, ?> endpoint = endpoint(server);
            List<SocketWrapperBase<?>> open = new ArrayList<>(endpoint.getConnections());
            assertThat(open).as("Tomcat's open connections").hasSize(1);
            NioEndpoint.NioSocketWrapper wrapper = (NioEndpoint.NioSocketWrapper) open.get(0);
            java.nio.channels.SocketChannel channel = wrapper.getSocket().getIOChannel();
            assertThat(channel.keyFor(wrapper.getPoller().getSelector())).as("the channel was taken from Tomcat's poller").isNull();
            assertThat(channel.isRegistered()).as("the channel is on our read loop").isTrue();

            // What the poller did in the race: an event for a connection whose key is gone makes it
            // close the wrapper, which closes the channel and caches the NioChannel with its buffers.
            wrapper.getPoller().add(wrapper, 0);
            assertThat(handlerEnded.await(10, TimeUnit.SECONDS)).as("the handler ended").isTrue();
            assertThat(wrapper.isClosed()).isTrue();

            // The next connection gets the cached NioChannel (the cache is a stack) and must work.
            JdkClient next = new JdkClient();
            try {
                next.ws = JdkClient.HTTP.newWebSocketBuilder().buildAsync(URI.create(server.wsUri()), next)
                        .get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the next connection's upgrade request was not answered within 10 s"
                        + " (a recycled channel whose buffers cannot read)", e);
            }
            next.ws.sendText("next", true);
            assertThat(next.next()).isEqualTo("next");

            assertThat(emptyHandler().getReadBuffer().capacity()).as("Tomcat's shared empty handler").isZero();
            assertThat(emptyHandler().getWriteBuffer().capacity()).isZero();
            next.ws.sendClose(1000, "");
            assertThat(next.awaitCloseCode()).isEqualTo(1000);
        }
    }

    private static AbstractEndpoint<?, ?> endpoint(EmbeddedTomcat server) throws ReflectiveOperationException {
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.tomcat().getConnector().getProtocolHandler();
        Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
        getEndpoint.setAccessible(true);
        return (AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol);
    }

    private static SocketBufferHandler emptyHandler() throws ReflectiveOperationException {
        Field empty = SocketBufferHandler.class.getDeclaredField("EMPTY");
        empty.setAccessible(true);
        return (SocketBufferHandler) empty.get(null);
    }
}
