package dev.conduit.websocket.server;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK's WebSocket client, collecting whole messages and the close it receives. */
public final class JdkClient implements WebSocket.Listener {
    public static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A received text (String) or binary (byte[]) message. */
    public final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<int[]> closeCode = new CompletableFuture<>();
    public final CompletableFuture<String> closeReason = new CompletableFuture<>();
    public final CompletableFuture<Throwable> error = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    public WebSocket ws;

    public static JdkClient connect(String uri, String... subprotocols) throws Exception {
        JdkClient c = new JdkClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        c.ws = b.buildAsync(URI.create(uri), c).get(20, TimeUnit.SECONDS);
        return c;
    }

    public Object next() throws InterruptedException {
        Object m = messages.poll(20, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 20 s; close=" + closeCode.getNow(null) + " error=" + error.getNow(null));
        }
        return m;
    }

    public int awaitCloseCode() throws Exception {
        return closeCode.get(20, TimeUnit.SECONDS)[0];
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binary.writeBytes(b);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(new int[] {statusCode});
        closeReason.complete(reason);
        return null; // the JDK then answers with the same close code
    }

    @Override
    public void onError(WebSocket webSocket, Throwable e) {
        error.complete(e);
        closeCode.completeExceptionally(e);
    }

    public static List<String> noProtocols() {
        return List.of();
    }
}
