package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Shutdown is per connection: with peers that stopped reading while their handler writes (each
 * holding its connection's frame lock in a blocked write), every well-behaved peer still gets close
 * 1001 at once, the stuck ones cost only their own close timeout, and the whole shutdown ends well
 * within the shutdown timeout. Closes sent one after another against one shared deadline would
 * queue the well-behaved peers' 1001s behind the stuck ones for the whole shutdown timeout.
 */
class ShutdownWithStuckPeersIntegrationTests {
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 20;

    @Test
    void wellBehavedPeersGetGoingAwayAtOnceWhateverTheStuckOnesDo() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.shutdown-timeout=" + SHUTDOWN_TIMEOUT_SECONDS + "s")
                .run();
        int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        List<Socket> stuck = new ArrayList<>();
        List<RawWsPeer> good = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RawWsPeer firehose = RawWsPeer.connect(port, "/open/firehose");
                firehose.socket.setReceiveBufferSize(4096);
                stuck.add(firehose.socket); // never read: its handler's writes block
                if (i % 2 == 0) {
                    // interleave, so that the stuck ones are spread among the others
                    good.add(RawWsPeer.connect(port, "/open/echo"));
                }
                for (int k = 0; k < 5; k++) {
                    good.add(RawWsPeer.connect(port, "/open/echo"));
                }
            }
            for (RawWsPeer peer : good) { // each echo handler is running
                peer.send(WebSocket.TEXT_MESSAGE, new byte[] {'x'});
                assertThat(peer.next().opcode()).isEqualTo(WebSocket.TEXT_MESSAGE);
            }

            long start = System.nanoTime();
            Thread closer = new Thread(app::close, "app-close");
            closer.start();
            long slowest = 0;
            for (RawWsPeer peer : good) {
                RawWsPeer.Frame close = peer.next();
                assertThat(close).as("close 1001 to a well-behaved peer").isNotNull();
                assertThat(close.opcode()).isEqualTo(WebSocket.CLOSE_MESSAGE);
                assertThat(close.closeCode()).isEqualTo(WebSocket.CLOSE_GOING_AWAY);
                slowest = Math.max(slowest, System.nanoTime() - start);
                peer.send(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(WebSocket.CLOSE_GOING_AWAY, ""));
            }
            // Not a benchmark: the bound is a fraction of the shutdown timeout a shared deadline would use up.
            assertThat(TimeUnit.NANOSECONDS.toMillis(slowest)).as("ms until the last well-behaved peer had its 1001")
                    .isLessThan(TimeUnit.SECONDS.toMillis(SHUTDOWN_TIMEOUT_SECONDS) / 4);
            closer.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_TIMEOUT_SECONDS + 30));
            assertThat(closer.isAlive()).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("seconds the shutdown took")
                    .isLessThan(SHUTDOWN_TIMEOUT_SECONDS);
        } finally {
            for (Socket s : stuck) {
                s.close();
            }
            for (RawWsPeer peer : good) {
                peer.close();
            }
            app.close();
        }
    }
}
