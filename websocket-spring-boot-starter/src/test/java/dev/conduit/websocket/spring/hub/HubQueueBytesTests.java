package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A connection's queue is bounded by bytes as well as by count: with room for 10,000 messages but
 * only 512 KB, a receiver that stops reading is dropped once 512 KB of 64 KiB broadcasts wait for
 * it (drop-connection), long before the count would have filled, while the reader beside it gets
 * every broadcast in order.
 */
@SpringBootTest(classes = HubTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "conduit.websocket.hub.queue-capacity=10000",
                "conduit.websocket.hub.queue-bytes=512KB", "conduit.websocket.hub.write-timeout=120s"})
class HubQueueBytesTests {
    private static final int SIZE = 64 * 1024;
    /** 26 MB: more than the paused receiver's socket buffers and the 512 KB queue hold together. */
    private static final int MESSAGES = 400;

    @Value("${local.server.port}")
    int port;

    @Autowired
    Hub hub;

    @Test
    void aReceiverHoldingTooManyBytesIsDropped() throws Exception {
        HubTestApp.NumberedListener reader = new HubTestApp.NumberedListener(SIZE);
        java.net.http.WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/receive"), reader).get(60, TimeUnit.SECONDS);
        Socket paused = HubTestApp.connectWithoutReading(port, "/receive");
        HubTestApp.await(() -> hub.size("all") == 2, () -> "joined: " + hub.size("all"));

        byte[] payload = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(payload);
        for (int i = 0; i < MESSAGES; i++) {
            ByteBuffer.wrap(payload).putInt(i);
            hub.broadcast("all", WebSocket.BINARY_MESSAGE, payload);
            int sent = i + 1;
            if (sent % 4 == 0) {
                // The reader keeps up, so only the paused receiver's queue grows.
                HubTestApp.await(() -> reader.received.get() >= sent, () -> "reader short at " + sent + ", " + hub.stats());
            }
        }
        assertThat(reader.error).isNull();
        assertThat(reader.received.get()).isEqualTo(MESSAGES);
        HubTestApp.await(() -> hub.size("all") == 1, () -> "the paused receiver was not dropped: " + hub.stats());
        assertThat(hub.stats().droppedConnections()).isEqualTo(1);
        // Dropped with at most 512 KB (8 messages) queued, far below the 10,000 the count allows.
        assertThat(hub.stats().droppedMessages()).isBetween(1L, 9L);
        paused.close();
        socket.abort();
    }
}
