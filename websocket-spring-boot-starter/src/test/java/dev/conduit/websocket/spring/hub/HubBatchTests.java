package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A sender that finds several messages queued writes them together, bounded by count (64) and by
 * payload bytes (64 KiB), and the receiver gets each whole and in order. The connection's first
 * write is held until the test has queued the rest behind it; the Conn the hub writes to is the
 * real one, watched through a proxy that records how many messages each write call carries.
 */
@SpringBootTest(classes = {HubTestApp.class, HubBatchTests.Gated.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "conduit.websocket.hub.queue-capacity=1000"})
class HubBatchTests {
    /** The message counts and payload bytes of each write call, in order. */
    static final List<long[]> writes = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch firstWriteHeld;
    static volatile CountDownLatch gate;

    @Configuration
    static class Gated {
        @Bean
        GatedEndpoint gatedEndpoint(Hub hub) {
            return new GatedEndpoint(hub);
        }
    }

    static class GatedEndpoint {
        private final Hub hub;

        GatedEndpoint(Hub hub) {
            this.hub = hub;
        }

        @WebSocketEndpoint("/gated")
        public void gated(Conn conn) throws IOException {
            hub.join("gated", watched(conn));
            try {
                while (true) {
                    conn.readMessage();
                }
            } finally {
                hub.leave(watched(conn));
            }
        }
    }

    private static final java.util.Map<Conn, Conn> proxies = new java.util.concurrent.ConcurrentHashMap<>();

    /** The real Conn behind a proxy that records the writes and holds the first until the gate opens. */
    static Conn watched(Conn real) {
        return proxies.computeIfAbsent(real, r -> (Conn) Proxy.newProxyInstance(Conn.class.getClassLoader(),
                new Class<?>[] {Conn.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("writePreparedMessage") || name.equals("writePreparedMessages")) {
                        @SuppressWarnings("unchecked")
                        List<PreparedMessage> messages = name.equals("writePreparedMessage")
                                ? List.of((PreparedMessage) args[0]) : (List<PreparedMessage>) args[0];
                        writes.add(new long[] {messages.size(), messages.stream().mapToLong(PreparedMessage::length).sum()});
                        if (writes.size() == 1) {
                            firstWriteHeld.countDown();
                            gate.await(60, TimeUnit.SECONDS);
                        }
                    }
                    if (name.equals("equals")) {
                        return proxy == args[0];
                    }
                    if (name.equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    try {
                        return method.invoke(r, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Hub hub;

    /**
     * Broadcasts one message, which the sender takes and holds, then {@code queued} more; once the
     * gate opens the reader must get all of them in order. @return the recorded write calls
     */
    List<long[]> broadcastBehindAHeldWrite(int size, int queued) throws Exception {
        writes.clear();
        proxies.clear();
        firstWriteHeld = new CountDownLatch(1);
        gate = new CountDownLatch(1);
        HubTestApp.NumberedListener reader = new HubTestApp.NumberedListener(size);
        java.net.http.WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/gated"), reader).get(60, TimeUnit.SECONDS);
        try {
            HubTestApp.await(() -> hub.size("gated") == 1, () -> "joined: " + hub.size("gated"));
            byte[] payload = new byte[size];
            ThreadLocalRandom.current().nextBytes(payload);
            ByteBuffer.wrap(payload).putInt(0);
            hub.broadcast("gated", WebSocket.BINARY_MESSAGE, payload);
            assertThat(firstWriteHeld.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= queued; i++) {
                ByteBuffer.wrap(payload).putInt(i);
                hub.broadcast("gated", WebSocket.BINARY_MESSAGE, payload);
            }
            gate.countDown();
            HubTestApp.await(() -> reader.received.get() >= queued + 1 || reader.error != null,
                    () -> "received " + reader.received.get() + ", " + hub.stats());
            assertThat(reader.error).isNull();
            assertThat(reader.received.get()).isEqualTo(queued + 1);
            assertThat(writes.stream().mapToLong(w -> w[0]).sum()).isEqualTo(queued + 1);
            return List.copyOf(writes);
        } finally {
            gate.countDown();
            socket.abort();
            HubTestApp.await(() -> hub.size("gated") == 0, () -> "still joined: " + hub.size("gated"));
        }
    }

    @Test
    void queuedSmallMessagesGoOutSixtyFourAtATime() throws Exception {
        List<long[]> calls = broadcastBehindAHeldWrite(1000, 200);
        assertThat(calls.get(0)[0]).isEqualTo(1);
        assertThat(calls.subList(1, calls.size())).allSatisfy(w -> assertThat(w[0]).isBetween(1L, 64L));
        assertThat(calls).anySatisfy(w -> assertThat(w[0]).isEqualTo(64));
    }

    @Test
    void aBatchCarriesAtMostSixtyFourKibibytesOfPayload() throws Exception {
        List<long[]> calls = broadcastBehindAHeldWrite(3000, 100);
        assertThat(calls).allSatisfy(w -> assertThat(w[1]).isLessThanOrEqualTo(64 * 1024));
        // 21 messages of 3,000 bytes fit in 64 KiB, 22 do not.
        assertThat(calls).anySatisfy(w -> assertThat(w[0]).isEqualTo(21));
    }
}
