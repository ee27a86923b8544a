package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.EmbeddedTomcat;
import dev.conduit.websocket.server.JdkClient;
import dev.conduit.websocket.server.Upgrader;
import jakarta.servlet.http.HttpServlet;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Tomcat's socket buffers cost an idle WebSocket whose channel is taken, over a real
 * connection: Tomcat does not use them while the read loop has the channel, so they are tiny
 * ({@link TomcatBuffers#TAKEN_BUFFER} bytes each) while the WebSocket runs, messages of any size
 * still pass, and the channel gets buffers of Tomcat's size back when the handler returns.
 */
class IdleTakenConnectionBuffersTest {
    final Upgrader upgrader = Upgrader.builder().build();
    final CountDownLatch handlerEnded = new CountDownLatch(1);

    final HttpServlet echo = EmbeddedTomcat.echo(upgrader, handlerEnded);

    @AfterEach
    void closeUpgrader() {
        upgrader.close();
    }

    @Test
    void anIdleTakenConnectionHoldsTinyTomcatBuffersAndGivesFullOnesBack() throws Exception {
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo, 20)) {
            JdkClient client = JdkClient.connect(server.wsUri());
            client.ws.sendText("hello", true);
            assertThat(client.next()).isEqualTo("hello"); // the handler waits in readMessage again

            AbstractEndpoint<?, ?> endpoint = endpoint(server);
            List<SocketWrapperBase<?>> open = new ArrayList<>(endpoint.getConnections());
            assertThat(open).hasSize(1);
            NioEndpoint.NioSocketWrapper wrapper = (NioEndpoint.NioSocketWrapper) open.get(0);
            NioChannel channel = wrapper.getSocket();
            assertThat(channel.getIOChannel().keyFor(wrapper.getPoller().getSelector())).as("the channel is taken").isNull();
            SocketBufferHandler buffers = wrapper.getSocketBufferHandler();
            assertThat(buffers.getReadBuffer().capacity()).as("Tomcat's read buffer while idle").isEqualTo(TomcatBuffers.TAKEN_BUFFER);
            assertThat(buffers.getWriteBuffer().capacity()).as("Tomcat's write buffer while idle").isEqualTo(TomcatBuffers.TAKEN_BUFFER);

            String big = "x".repeat(100_000);
            client.ws.sendText(big, true);
            assertThat(client.next()).isEqualTo(big);

            client.ws.sendClose(1000, "");
            assertThat(client.awaitCloseCode()).isEqualTo(1000);
            assertThat(handlerEnded.await(10, TimeUnit.SECONDS)).isTrue();
            int read = endpoint.getSocketProperties().getAppReadBufSize();
            int write = endpoint.getSocketProperties().getAppWriteBufSize();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (channel.getBufHandler().getReadBuffer().capacity() != read && System.nanoTime() < end) {
                Thread.sleep(20); // put back on the container's thread once the handler has returned
            }
            assertThat(channel.getBufHandler().getReadBuffer().capacity()).as("Tomcat's read buffer after the WebSocket").isEqualTo(read);
            assertThat(channel.getBufHandler().getWriteBuffer().capacity()).as("Tomcat's write buffer after the WebSocket").isEqualTo(write);
        }
    }

    private static AbstractEndpoint<?, ?> endpoint(EmbeddedTomcat server) throws ReflectiveOperationException {
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.tomcat().getConnector().getProtocolHandler();
        Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
        getEndpoint.setAccessible(true);
        return (AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol);
    }
}
