package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
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
 * {@code slow-receiver-policy=drop-message} over real connections: a receiver that stops reading
 * loses the broadcasts its full queue cannot hold, but keeps its connection and its topic; once it
 * reads again it gets the rest in order. Every broadcast is either delivered to it or counted as
 * dropped — nothing goes missing silently — and the readers beside it get everything.
 */
@SpringBootTest(classes = HubTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "conduit.websocket.hub.queue-capacity=4",
                "conduit.websocket.hub.slow-receiver-policy=drop-message", "conduit.websocket.hub.write-timeout=120s"})
class HubDropMessagePolicyTests {
    private static final int READERS = 10;
    private static final int MESSAGES = 200;
    /** Large enough that the paused receiver's socket buffers fill after a few dozen. */
    private static final int SIZE = 64 * 1024;
    /** Broadcasts between waits for the readers: at most the queue capacity, so theirs never overflow. */
    private static final int ROUND = 4;

    @Value("${local.server.port}")
    int port;

    @Autowired
    Hub hub;

    @Test
    void aPausedReceiverLosesOnlyCountedMessagesAndKeepsItsConnection() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/receive");
        List<HubTestApp.NumberedListener> readers = new ArrayList<>();
        List<CompletableFuture<java.net.http.WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            HubTestApp.NumberedListener listener = new HubTestApp.NumberedListener(SIZE);
            readers.add(listener);
            sockets.add(http.newWebSocketBuilder().buildAsync(uri, listener));
        }
        CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Socket paused = HubTestApp.connectWithoutReading(port, "/receive");
        HubTestApp.await(() -> hub.size("all") == READERS + 1, () -> "joined: " + hub.size("all"));

        byte[] payload = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(payload);
        for (int i = 0; i < MESSAGES; i++) {
            ByteBuffer.wrap(payload).putInt(i);
            hub.broadcast("all", WebSocket.BINARY_MESSAGE, payload);
            int sent = i + 1;
            if (sent % ROUND == 0) {
                HubTestApp.await(() -> readers.stream().allMatch(l -> l.received.get() >= sent),
                        () -> "round " + sent + ": readers short, " + hub.stats());
            }
        }
        assertThat(readers).allSatisfy(l -> {
            assertThat(l.error).isNull();
            assertThat(l.received.get()).isEqualTo(MESSAGES);
        });
        HubStats stats = hub.stats();
        assertThat(stats.droppedMessages()).as("the paused receiver's queue overflowed").isPositive();
        assertThat(stats.droppedConnections()).as("drop-message keeps the connection").isZero();
        assertThat(hub.size("all")).isEqualTo(READERS + 1);

        // The paused receiver reads again: what was not dropped arrives, in order, complete.
        List<Integer> got = new ArrayList<>();
        paused.setSoTimeout(30_000);
        FrameReader frames = new FrameReader(paused.getInputStream()::read, false, false, 8192, new byte[0]);
        while (got.size() < MESSAGES - stats.droppedMessages()) {
            got.add(readNumberedMessage(frames));
        }
        assertThat(got).isSorted().doesNotHaveDuplicates();
        assertThat((long) got.size() + stats.droppedMessages()).as("delivered + counted as dropped").isEqualTo(MESSAGES);

        // Its connection still works: the next broadcast reaches it like everyone else.
        ByteBuffer.wrap(payload).putInt(MESSAGES);
        hub.broadcast("all", WebSocket.BINARY_MESSAGE, payload);
        assertThat(readNumberedMessage(frames)).isEqualTo(MESSAGES);
        assertThat(hub.stats().droppedMessages()).isEqualTo(stats.droppedMessages());

        paused.close();
        for (CompletableFuture<java.net.http.WebSocket> socket : sockets) {
            socket.get().abort();
        }
    }

    /** One unfragmented binary message of {@link #SIZE} bytes, as the server sends them: its number. */
    private static int readNumberedMessage(FrameReader frames) throws IOException {
        FrameHeader h = frames.readHeader();
        assertThat(h.opcode()).isEqualTo(WebSocket.BINARY_MESSAGE);
        assertThat(h.fin()).isTrue();
        byte[] message = frames.readFullPayload();
        assertThat(message).hasSize(SIZE);
        return ByteBuffer.wrap(message).getInt();
    }

}
