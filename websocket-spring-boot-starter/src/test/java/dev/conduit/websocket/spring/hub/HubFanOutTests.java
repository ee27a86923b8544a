package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The in-memory hub over real connections: 1,000 receivers on one topic, one of which never reads.
 * The others receive every broadcast, in order, and the stuck one is dropped.
 */
@SpringBootTest(classes = HubTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "conduit.websocket.max-connections=1100",
                "conduit.websocket.hub.queue-capacity=64",
                // Room for the 10 MB that fill the stuck client's socket: only the count (64) overflows it.
                "conduit.websocket.hub.queue-bytes=64MB", "conduit.websocket.hub.slow-receiver-policy=drop-connection",
                "conduit.websocket.hub.write-timeout=60s"})
class HubFanOutTests {
    private static final int RECEIVERS = 1000;
    private static final int MESSAGES = 600;
    // Broadcast in rounds, each once the readers have it: their queues stay short while the stuck one's fills.
    private static final int ROUND = 20;
    private static final int SIZE = 1024;

    @Value("${local.server.port}")
    int port;

    @Autowired
    Hub hub;

    @Test
    void aReceiverThatNeverReadsDoesNotHoldUpTheOthers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/receive");
        Socket stuck = HubTestApp.connectWithoutReading(port, "/stuck");
        List<HubTestApp.NumberedListener> listeners = new ArrayList<>();
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < RECEIVERS - 1; i++) {
            HubTestApp.NumberedListener listener = new HubTestApp.NumberedListener(SIZE);
            listeners.add(listener);
            sockets.add(http.newWebSocketBuilder().buildAsync(uri, listener));
            if (sockets.size() % 100 == 0) {
                // A few at a time, so that the accept backlog never overflows.
                CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        HubTestApp.await(() -> hub.size("all") == RECEIVERS, () -> "joined: " + hub.size("all"));

        // Fill the never-reading client's socket buffers: its sender blocks in a write with messages left queued.
        byte[] large = new byte[256 * 1024];
        for (int i = 0; i < 40; i++) {
            hub.broadcast("stuck", dev.conduit.websocket.WebSocket.BINARY_MESSAGE, large);
        }
        assertThat(hub.stats().droppedConnections()).isZero();

        byte[] payload = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(payload);
        for (int i = 0; i < MESSAGES; i++) {
            ByteBuffer.wrap(payload).putInt(i);
            hub.broadcast("all", dev.conduit.websocket.WebSocket.BINARY_MESSAGE, payload);
            int sent = i + 1;
            if (sent % ROUND == 0) {
                HubTestApp.await(() -> listeners.stream().allMatch(l -> l.received.get() >= sent),
                        () -> "round " + sent + ": " + listeners.stream().filter(l -> l.received.get() < sent).count()
                                + " receivers short, " + hub.stats());
            }
        }

        HubTestApp.await(() -> listeners.stream().allMatch(l -> l.received.get() >= MESSAGES),
                () -> "receivers still short: " + listeners.stream().filter(l -> l.received.get() < MESSAGES).count()
                        + ", least received " + listeners.stream().mapToInt(l -> l.received.get()).min().orElse(-1)
                        + ", errors " + listeners.stream().filter(l -> l.error != null).count() + ", " + hub.stats());
        assertThat(listeners).allSatisfy(l -> {
            assertThat(l.error).isNull();
            assertThat(l.received.get()).isEqualTo(MESSAGES);
        });
        // Meanwhile the stuck receiver's queue overflowed: it was closed and left the topics.
        HubTestApp.await(() -> hub.stats().droppedConnections() == 1, () -> "dropped: " + hub.stats());
        assertThat(hub.size("all")).isEqualTo(RECEIVERS - 1);
        assertThat(hub.stats().delivered()).isGreaterThanOrEqualTo((long) MESSAGES * (RECEIVERS - 1));
        assertThat(hub.size("stuck")).isZero();

        stuck.close();
        for (CompletableFuture<WebSocket> socket : sockets) {
            socket.get().abort();
        }
    }

}
