package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code slow-receiver-policy=drop-message} over real connections: a receiver that stops reading
 * loses the broadcasts its full queue cannot hold, but keeps its connection and its topic; once it
 * reads again it gets the rest in order. Every broadcast is either delivered to it or counted as
 * dropped — nothing goes missing silently — and the readers beside it get everything.
 */
@SpringBootTest(classes = HubDropMessagePolicyTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
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

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        SecurityFilterChain openChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).csrf(csrf -> csrf.disable()).build();
        }

        @Bean
        Receivers receivers(Hub hub) {
            return new Receivers(hub);
        }
    }

    /** {@code /receive}: joins topic "all" and reads until the connection ends. */
    static class Receivers {
        private final Hub hub;

        Receivers(Hub hub) {
            this.hub = hub;
        }

        @WebSocketEndpoint("/receive")
        public void receive(Conn conn) throws IOException {
            hub.join("all", conn);
            try {
                while (true) {
                    conn.readMessage();
                }
            } finally {
                hub.leave(conn);
            }
        }
    }

    /** Checks that binary messages arrive complete and numbered 0, 1, 2… */
    static final class CountingListener implements java.net.http.WebSocket.Listener {
        final AtomicInteger received = new AtomicInteger();
        volatile String error;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.write(chunk, 0, chunk.length);
            if (last) {
                ByteBuffer message = ByteBuffer.wrap(partial.toByteArray());
                partial.reset();
                int expected = received.get();
                if (message.remaining() != SIZE || message.getInt() != expected) {
                    error = "message " + expected + " wrong or out of order";
                }
                received.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }
    }

    @Test
    void aPausedReceiverLosesOnlyCountedMessagesAndKeepsItsConnection() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/receive");
        List<CountingListener> readers = new ArrayList<>();
        List<CompletableFuture<java.net.http.WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            CountingListener listener = new CountingListener();
            readers.add(listener);
            sockets.add(http.newWebSocketBuilder().buildAsync(uri, listener));
        }
        CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Socket paused = connectWithoutReading();
        await(() -> hub.size("all") == READERS + 1, () -> "joined: " + hub.size("all"));

        byte[] payload = new byte[SIZE];
        ThreadLocalRandom.current().nextBytes(payload);
        for (int i = 0; i < MESSAGES; i++) {
            ByteBuffer.wrap(payload).putInt(i);
            hub.broadcast("all", WebSocket.BINARY_MESSAGE, payload);
            int sent = i + 1;
            if (sent % ROUND == 0) {
                await(() -> readers.stream().allMatch(l -> l.received.get() >= sent),
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

    /** A client that completes the handshake with a tiny receive window and then does not read. */
    private Socket connectWithoutReading() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /receive HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Only the 101 response head, byte by byte, so that no frame is consumed.
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static void await(BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
