package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
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
 * The in-memory hub over real connections: 1,000 receivers on one topic, one of which never reads.
 * The others receive every broadcast, in order, and the stuck one is dropped.
 */
@SpringBootTest(classes = HubFanOutTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "conduit.websocket.max-connections=1100",
                "conduit.websocket.hub.queue-capacity=64", "conduit.websocket.hub.slow-receiver-policy=drop-connection",
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

        /** {@code /stuck}: also joins topic "stuck", whose large messages fill its socket. */
        @WebSocketEndpoint("/stuck")
        public void stuck(Conn conn) throws IOException {
            hub.join("stuck", conn);
            receive(conn);
        }
    }

    /** Checks that binary messages arrive complete and numbered 0, 1, 2… */
    static final class CountingListener implements WebSocket.Listener {
        final AtomicInteger received = new AtomicInteger();
        volatile String error;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
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
    void aReceiverThatNeverReadsDoesNotHoldUpTheOthers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/receive");
        Socket stuck = connectWithoutReading();
        List<CountingListener> listeners = new ArrayList<>();
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < RECEIVERS - 1; i++) {
            CountingListener listener = new CountingListener();
            listeners.add(listener);
            sockets.add(http.newWebSocketBuilder().buildAsync(uri, listener));
            if (sockets.size() % 100 == 0) {
                // A few at a time, so that the accept backlog never overflows.
                CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(sockets.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await(() -> hub.size("all") == RECEIVERS, () -> "joined: " + hub.size("all"));

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
                await(() -> listeners.stream().allMatch(l -> l.received.get() >= sent),
                        () -> "round " + sent + ": " + listeners.stream().filter(l -> l.received.get() < sent).count()
                                + " receivers short, " + hub.stats());
            }
        }

        await(() -> listeners.stream().allMatch(l -> l.received.get() >= MESSAGES),
                () -> "receivers still short: " + listeners.stream().filter(l -> l.received.get() < MESSAGES).count()
                        + ", least received " + listeners.stream().mapToInt(l -> l.received.get()).min().orElse(-1)
                        + ", errors " + listeners.stream().filter(l -> l.error != null).count() + ", " + hub.stats());
        assertThat(listeners).allSatisfy(l -> {
            assertThat(l.error).isNull();
            assertThat(l.received.get()).isEqualTo(MESSAGES);
        });
        // Meanwhile the stuck receiver's queue overflowed: it was closed and left the topics.
        await(() -> hub.stats().droppedConnections() == 1, () -> "dropped: " + hub.stats());
        assertThat(hub.size("all")).isEqualTo(RECEIVERS - 1);
        assertThat(hub.stats().delivered()).isGreaterThanOrEqualTo((long) MESSAGES * (RECEIVERS - 1));
        assertThat(hub.size("stuck")).isZero();

        stuck.close();
        for (CompletableFuture<WebSocket> socket : sockets) {
            socket.get().abort();
        }
    }

    /** A client that completes the handshake with a tiny receive window and then never reads. */
    private Socket connectWithoutReading() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /stuck HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Read only the 101 response head, byte by byte, so that no frame is consumed.
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

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; " + state.get());
            }
            Thread.sleep(50);
        }
    }
}
