package dev.conduit.websocket.spring.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link java.net.http.WebSocket} client that queues what it receives, for tests. Shared with
 * the example app's tests through this module's test jar (only this package is in it).
 */
public final class WsClient implements WebSocket.Listener {
    public static final HttpClient HTTP = HttpClient.newHttpClient();

    public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    public volatile String closeReason;
    public final AtomicInteger pings = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();
    private final List<byte[]> binary = new ArrayList<>();
    public WebSocket socket;

    public static WsClient connect(URI uri) throws Exception {
        return connect(HTTP.newWebSocketBuilder(), uri);
    }

    public static WsClient connect(WebSocket.Builder builder, URI uri) throws Exception {
        WsClient client = new WsClient();
        client.socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        return client;
    }

    /** @return the HTTP status of a refused handshake */
    public static int refusedStatus(WebSocket.Builder builder, URI uri) throws Exception {
        try {
            WebSocket ws = builder.buildAsync(uri, new WsClient()).get(20, TimeUnit.SECONDS);
            ws.abort();
            throw new AssertionError("handshake was accepted");
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public void sendText(String message) throws Exception {
        socket.sendText(message, true).get(20, TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] message) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(message), true).get(60, TimeUnit.SECONDS);
    }

    public String nextText() throws Exception {
        Object m = messages.poll(30, TimeUnit.SECONDS);
        if (!(m instanceof String s)) {
            throw new AssertionError("expected a text message, got " + m);
        }
        return s;
    }

    public byte[] nextBinary() throws Exception {
        Object m = messages.poll(60, TimeUnit.SECONDS);
        if (!(m instanceof byte[] b)) {
            throw new AssertionError("expected a binary message, got " + m);
        }
        return b;
    }

    public int awaitClose() throws Exception {
        return closeCode.get(30, TimeUnit.SECONDS);
    }

    public void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(20, TimeUnit.SECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] part = new byte[data.remaining()];
        data.get(part);
        binary.add(part);
        if (last) {
            int size = binary.stream().mapToInt(b -> b.length).sum();
            byte[] all = new byte[size];
            int at = 0;
            for (byte[] b : binary) {
                System.arraycopy(b, 0, all, at, b.length);
                at += b.length;
            }
            binary.clear();
            messages.add(all);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }
}
