package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.json.JacksonJsonCodec;
import dev.conduit.websocket.testing.WebSocketTestServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Dialer hands its connection settings (listener, read limit, JSON codec, buffer sizes) to the Conn. */
class DialerSettingsTest {
    private static final Dialer DIRECT = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10)).build();

    private WebSocketTestServer server;

    @BeforeEach
    void start() throws IOException {
        server = WebSocketTestServer.start(WebSocketTestServer.echo());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void listenerSeesTheConnectionAndItsMessages() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ConnListener listener = new ConnListener() {
            @Override
            public void opened(Conn conn) {
                events.add("opened");
            }

            @Override
            public void messageWritten(int messageType, long bytes) {
                events.add("written:" + messageType + ":" + bytes);
            }

            @Override
            public void messageRead(int messageType, long bytes) {
                events.add("read:" + messageType + ":" + bytes);
            }
        };
        try (Conn conn = DIRECT.toBuilder().listener(listener).build().dial(server.uri("ws", "/"), Map.of())) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "12345".getBytes(StandardCharsets.UTF_8));
            conn.readMessage();
        }
        assertThat(events).containsSubsequence("opened", "written:1:5", "read:1:5");
    }

    @Test
    void readLimitApplies() throws Exception {
        try (Conn conn = DIRECT.toBuilder().readLimit(10).build().dial(server.uri("ws", "/"), Map.of())) {
            conn.writeMessage(WebSocket.BINARY_MESSAGE, new byte[11]);
            assertThatThrownBy(conn::readMessage).isInstanceOf(ReadLimitException.class);
        }
    }

    @Test
    void jsonGoesThroughTheConfiguredCodec() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        JsonCodec counting = new JsonCodec() {
            private final JsonCodec jackson = JacksonJsonCodec.shared();

            @Override
            public <T> T read(InputStream in, Type type) throws IOException {
                reads.incrementAndGet();
                return jackson.read(in, type);
            }

            @Override
            public void readInto(InputStream in, Object target) throws IOException {
                reads.incrementAndGet();
                jackson.readInto(in, target);
            }

            @Override
            public void write(OutputStream out, Object value) throws IOException {
                writes.incrementAndGet();
                jackson.write(out, value);
            }
        };
        try (Conn conn = DIRECT.toBuilder().jsonCodec(counting).build().dial(server.uri("ws", "/"), Map.of())) {
            conn.writeJson(Map.of("n", 42));
            Map<?, ?> back = conn.readJson(Map.class);
            assertThat(back.get("n")).isEqualTo(42);
        }
        assertThat(writes).hasValue(1);
        assertThat(reads).hasValue(1);
    }

    @Test
    void smallBuffersStillCarryLargeMessages() throws Exception {
        byte[] data = new byte[100_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Dialer tiny = DIRECT.toBuilder().readBufferSize(1).writeBufferSize(1).build();
        try (Conn conn = tiny.dial(server.uri("ws", "/"), Map.of())) {
            conn.writeMessage(WebSocket.BINARY_MESSAGE, data);
            assertThat(conn.readMessage().data()).isEqualTo(data);
        }
    }

    @Test
    void deadlinesWorkOnADialedConnection() throws Exception {
        // gorilla B24: send and receive with deadlines set; then a read timeout leaves writes working.
        try (Conn conn = DIRECT.dial(server.uri("ws", "/"), Map.of())) {
            conn.setReadDeadline(Instant.now().plusSeconds(10));
            conn.setWriteDeadline(Instant.now().plusSeconds(10));
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "in time".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("in time");

            conn.setReadDeadline(Instant.now().plusMillis(100));
            assertThatThrownBy(conn::readMessage).isInstanceOf(SocketTimeoutException.class);
            conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(4321, "timed out"), Instant.now().plusSeconds(5));
        }
        assertThat(server.endings().poll(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(CloseException.class, e -> assertThat(e.code()).isEqualTo(4321));
    }

    @Test
    void toBuilderKeepsEverySetting() {
        Dialer original = Dialer.builder().subprotocols("a").handshakeTimeout(Duration.ofSeconds(3)).proxySelector(null).build();
        assertThat(original.toBuilder().build().toString()).isEqualTo(original.toString());
        assertThat(Dialer.defaultDialer().toString()).contains("PT45S");
    }
}
