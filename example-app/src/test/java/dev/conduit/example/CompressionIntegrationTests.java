package dev.conduit.example;

import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.DialResult;
import dev.conduit.websocket.client.Dialer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example app's application.properties enables permessage-deflate, so any client that offers it
 * gets it: our {@link Dialer} and OkHttp (which always offers it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class CompressionIntegrationTests {
    private static final int MIB = 1024 * 1024;

    @Value("${local.server.port}")
    int port;

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** 1 MiB of JSON-like text. */
    private static String compressibleText() {
        StringBuilder text = new StringBuilder(MIB + 100);
        for (int i = 0; text.length() < MIB; i++) {
            text.append("{\"seq\":").append(i).append(",\"room\":\"lobby-").append(i % 13)
                    .append("\",\"text\":\"the quick brown fox jumps over the lazy dog\"}\n");
        }
        text.setLength(MIB);
        return text.toString();
    }

    @Test
    void theDialerNegotiatesDeflateAndEchoesOneMebibyte() throws Exception {
        Dialer dialer = Dialer.builder()
                .proxySelector(HttpClient.Builder.NO_PROXY)
                .handshakeTimeout(Duration.ofSeconds(10))
                .readLimit(2 * MIB)
                .enableCompression(true)
                .build();
        String text = compressibleText();
        DialResult result = dialer.dialWithResponse(uri("/echo"), Map.of());
        try (Conn conn = result.conn()) {
            assertThat(result.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            conn.writeMessage(TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
            Message echoed = conn.readMessage();
            assertThat(echoed.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(echoed.text()).isEqualTo(text);
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
        }
    }

    @Test
    void okHttpOffersDeflateAndGetsIt() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().proxy(java.net.Proxy.NO_PROXY).build();
        CompletableFuture<Response> opened = new CompletableFuture<>();
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        okhttp3.WebSocket socket = client.newWebSocket(new Request.Builder().url("http://127.0.0.1:" + port + "/echo").build(),
                new WebSocketListener() {
                    @Override
                    public void onOpen(okhttp3.WebSocket webSocket, Response response) {
                        opened.complete(response);
                    }

                    @Override
                    public void onMessage(okhttp3.WebSocket webSocket, String text) {
                        received.add(text);
                    }

                    @Override
                    public void onClosing(okhttp3.WebSocket webSocket, int code, String reason) {
                        webSocket.close(code, null);
                        closed.complete(code);
                    }

                    @Override
                    public void onFailure(okhttp3.WebSocket webSocket, Throwable t, Response response) {
                        opened.completeExceptionally(t);
                        closed.completeExceptionally(t);
                    }
                });
        try {
            Response response = opened.get(10, TimeUnit.SECONDS);
            assertThat(response.code()).isEqualTo(101);
            assertThat(response.header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            String text = compressibleText();
            assertThat(socket.send(text)).isTrue();
            assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo(text);
            // Small messages after the large one: the context carried over stays consistent.
            for (int i = 0; i < 20; i++) {
                socket.send("hello " + i);
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello " + i);
            }
            assertThat(socket.close(1000, "bye")).isTrue();
            assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        } finally {
            socket.cancel();
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }
}
