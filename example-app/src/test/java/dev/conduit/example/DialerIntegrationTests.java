package dev.conduit.example;

import static dev.conduit.websocket.WebSocket.BINARY_MESSAGE;
import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The example app driven by our own client, the core {@link Dialer}: both ends are Conduit. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "example.pong-wait=2s", "example.ticker-period=200ms"})
class DialerIntegrationTests {
    private static final Dialer DIALER = Dialer.builder()
            .proxySelector(HttpClient.Builder.NO_PROXY)
            .handshakeTimeout(Duration.ofSeconds(10))
            .build();

    @Value("${local.server.port}")
    int port;

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void echo() throws Exception {
        try (Conn conn = DIALER.dial(uri("/echo"))) {
            conn.writeMessage(TEXT_MESSAGE, utf8("Hello"));
            Message text = conn.readMessage();
            assertThat(text.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(text.text()).isEqualTo("Hello");
            byte[] data = new byte[16 * 1024 * 1024];
            new Random(1).nextBytes(data);
            conn.writeMessage(BINARY_MESSAGE, data);
            Message binary = conn.readMessage();
            assertThat(binary.messageType()).isEqualTo(BINARY_MESSAGE);
            assertThat(binary.data()).isEqualTo(data);
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
        }
    }

    @Test
    void streamCopiesAMessageWrittenInPieces() throws Exception {
        try (Conn conn = DIALER.dial(uri("/stream"))) {
            try (OutputStream writer = conn.nextWriter(TEXT_MESSAGE)) {
                writer.write(utf8("Hello "));
                writer.write(utf8("World"));
            }
            MessageReader reader = conn.nextReader();
            assertThat(reader.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(new String(reader.reader().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Hello World");
        }
    }

    @Test
    void json() throws Exception {
        try (Conn conn = DIALER.dial(uri("/json"))) {
            conn.writeJson(new JsonEndpoint.Request("process", "hello"));
            JsonEndpoint.Response response = conn.readJson(JsonEndpoint.Response.class);
            assertThat(response).isEqualTo(new JsonEndpoint.Response("ok", "Processed: hello"));
        }
    }

    @Test
    void keepaliveAndTickerWithOurOwnPingHandling() throws Exception {
        try (Conn conn = DIALER.dial(uri("/keepalive"))) {
            AtomicInteger pings = new AtomicInteger();
            conn.setPingHandler(data -> {
                pings.incrementAndGet();
                conn.writeControl(WebSocket.PONG_MESSAGE, data, Instant.now().plusSeconds(5));
            });
            // A read that waits past pong-wait (2s): only pings arrive meanwhile, handled on this thread.
            conn.setReadDeadline(Instant.now().plusSeconds(5));
            assertThatExceptionOfType(java.net.SocketTimeoutException.class).isThrownBy(conn::readMessage);
            assertThat(pings.get()).isGreaterThanOrEqualTo(2);
        }
        try (Conn conn = DIALER.dial(uri("/ticker"))) {
            assertThat(conn.readMessage().text()).isEqualTo("ping");
            conn.writeMessage(TEXT_MESSAGE, utf8("hello"));
            assertThat(conn.readMessage().text()).isEqualTo("ping");
        }
    }

    @Test
    void refusalsReachTheDialerWithTheirStatus() throws Exception {
        BadHandshakeException foreign = org.assertj.core.api.Assertions.catchThrowableOfType(BadHandshakeException.class,
                () -> DIALER.dial(uri("/echo"), Map.of("Origin", List.of("http://evil.example"))));
        assertThat(foreign.status()).isEqualTo(403);
        BadHandshakeException missing = org.assertj.core.api.Assertions.catchThrowableOfType(BadHandshakeException.class,
                () -> DIALER.dial(uri("/no-such-endpoint")));
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void theDialerSeesTheServersClose() throws Exception {
        Conn conn = DIALER.dial(uri("/json"));
        conn.writeMessage(TEXT_MESSAGE, utf8("not json"));
        // The handler's readJson fails, the exception escapes, the connection closes with 1011.
        CloseException close = org.assertj.core.api.Assertions.catchThrowableOfType(CloseException.class, conn::readMessage);
        assertThat(close.code()).isEqualTo(WebSocket.CLOSE_INTERNAL_SERVER_ERR);
        conn.close();
    }
}
