package dev.conduit.websocket.server;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Upgrader end to end: a plain servlet upgrades, the JDK WebSocket client (or a raw socket)
 * talks to the handler running inside {@code init()}.
 */
class UpgraderConnTest {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> listenerEvents = new LinkedBlockingQueue<>();
    TestServer server;

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    final ConnListener listener = new ConnListener() {
        @Override
        public void error(ErrorKind kind, Throwable error) {
            listenerEvents.add("error " + kind + " " + error.getMessage());
        }

        @Override
        public void closed(int code, Initiator initiator) {
            listenerEvents.add("closed " + code + " " + initiator);
        }
    };

    final Upgrader upgrader = Upgrader.builder()
            .subprotocols("a", "b")
            .listener(listener)
            .handlerErrorHandler((conn, error) -> events.add("handler failed " + error.getMessage()))
            .build();

    /** The servlet a user writes; the query string picks the handler. */
    final class Endpoint extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String mode = req.getParameter("mode");
            if ("http".equals(mode)) {
                // A plain HTTP response larger than the container's socket buffers.
                resp.setContentType("application/octet-stream");
                resp.getOutputStream().write(payload(HTTP_BODY_SIZE, 3));
                return;
            }
            try {
                upgrader.upgrade(req, resp, null, conn -> run(mode == null ? "echo" : mode, conn));
            } catch (HandshakeException e) {
                events.add(e);
            }
        }
    }

    void run(String mode, Conn conn) throws Exception {
        switch (mode) {
            case "echo" -> {
                while (true) {
                    Message m = conn.readMessage();
                    conn.writeMessage(m.messageType(), m.data());
                }
            }
            case "lateecho" -> {
                Thread.sleep(300); // the client's next frame is in the socket before the first read
                while (true) {
                    Message m = conn.readMessage();
                    conn.writeMessage(m.messageType(), m.data());
                }
            }
            case "big" -> {
                conn.writeMessage(WebSocket.BINARY_MESSAGE, payload(BIG_MESSAGE_SIZE, 7));
                conn.readMessage(); // ends with the client's close
            }
            case "subprotocol" -> {
                conn.writeMessage(WebSocket.TEXT_MESSAGE, ("chosen:" + conn.subprotocol()).getBytes(StandardCharsets.UTF_8));
                conn.readMessage(); // ends with the client's close
            }
            case "deadline" -> {
                conn.setReadDeadline(Instant.now().plusMillis(300));
                try {
                    conn.readMessage();
                    events.add("read returned");
                } catch (SocketTimeoutException e) {
                    events.add("read timed out");
                    conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(4000, "idle"),
                            Instant.now().plusSeconds(5));
                }
            }
            case "throw" -> {
                conn.readMessage();
                throw new IllegalStateException("boom");
            }
            case "serverclose" -> conn.writeControl(WebSocket.CLOSE_MESSAGE,
                    WebSocket.formatCloseMessage(WebSocket.CLOSE_NORMAL_CLOSURE, "bye"), Instant.now().plusSeconds(5));
            case "read" -> {
                try {
                    conn.readMessage();
                    events.add("read returned");
                } catch (IOException e) {
                    events.add(e);
                }
            }
            case "closefromother" -> {
                Thread closer = new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        conn.close();
                    } catch (Exception e) {
                        events.add(e);
                    }
                });
                closer.start();
                try {
                    conn.readMessage();
                    events.add("read returned");
                } catch (IOException e) {
                    events.add(e);
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    static final int BIG_MESSAGE_SIZE = 16 * 1024 * 1024;
    static final int HTTP_BODY_SIZE = 200 * 1024;

    static byte[] payload(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    final Dialer dialer = Dialer.builder().proxySelector(null).handshakeTimeout(Duration.ofSeconds(10))
            .readLimit(BIG_MESSAGE_SIZE).build();

    @BeforeEach
    void start() {
        server = TestServer.start(container(), new Endpoint(), 50);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upgrader.close();
    }

    @Test
    void echoesTextBinaryLargeAndFragmentedMessages() throws Exception {
        JdkClient c = JdkClient.connect(server.wsUri());
        c.ws.sendText("hello", true).join();
        assertThat(c.next()).isEqualTo("hello");

        byte[] bin = {0, 1, 2, (byte) 255};
        c.ws.sendBinary(ByteBuffer.wrap(bin), true).join();
        assertThat((byte[]) c.next()).containsExactly(bin);

        byte[] big = new byte[1024 * 1024];
        new Random(42).nextBytes(big);
        c.ws.sendBinary(ByteBuffer.wrap(big), true).join();
        assertThat((byte[]) c.next()).isEqualTo(big);

        c.ws.sendText("frag", false).join();
        c.ws.sendText("men", false).join();
        c.ws.sendText("ted ✓", true).join();
        assertThat(c.next()).isEqualTo("fragmented ✓");

        c.ws.sendClose(1000, "done").join();
        assertThat(c.awaitCloseCode()).isEqualTo(1000);
        assertThat(awaitListener("closed")).isEqualTo("closed 1000 REMOTE");
        assertThat(listenerEvents).noneMatch(e -> e.startsWith("error HANDLER"));
        assertThat(events).isEmpty();
    }

    @Test
    void aMessageLargerThanTheSocketBuffersArrivesWholeWhenTheClientReadsLate() throws Exception {
        // The server's write fills the socket while the client does not read: the part the socket
        // does not take goes through the container's blocking write (direct I/O on Tomcat).
        Conn c = dialer.dial(URI.create(server.wsUri() + "?mode=big"));
        try {
            Thread.sleep(500);
            Message m = c.readMessage();
            assertThat(m.messageType()).isEqualTo(WebSocket.BINARY_MESSAGE);
            assertThat(m.data()).isEqualTo(payload(BIG_MESSAGE_SIZE, 7));
        } finally {
            c.close();
        }
    }

    @Test
    void aFrameSentWithTheUpgradeRequestIsReadFirst() throws Exception {
        // The container reads the frame together with the request; it must come before anything read directly.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            byte[] request = RawHttp.validRequest(server.port()).replace("GET /ws ", "GET /ws?mode=lateecho ")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame1 = maskedTextFrame("first");
            byte[] both = new byte[request.length + frame1.length];
            System.arraycopy(request, 0, both, 0, request.length);
            System.arraycopy(frame1, 0, both, request.length, frame1.length);
            s.getOutputStream().write(both);
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            s.getOutputStream().write(maskedTextFrame("second"));
            assertThat(readTextFrame(in)).isEqualTo("first");
            assertThat(readTextFrame(in)).isEqualTo("second");
        }
    }

    @Test
    void plainHttpWorksOnConnectionsAfterWebSocketsHaveEnded() throws Exception {
        // The container reuses a closed connection's channel and buffers for later connections.
        for (int i = 0; i < 5; i++) {
            Conn c = dialer.dial(URI.create(server.wsUri()));
            c.writeMessage(WebSocket.TEXT_MESSAGE, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(c.readMessage().data()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
            c.close();
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 10; i++) {
            java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/ws?mode=http")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(payload(HTTP_BODY_SIZE, 3));
        }
    }

    static byte[] maskedTextFrame(String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        byte[] key = {1, 2, 3, 4};
        byte[] f = new byte[6 + p.length];
        f[0] = (byte) 0x81;
        f[1] = (byte) (0x80 | p.length);
        System.arraycopy(key, 0, f, 2, 4);
        for (int i = 0; i < p.length; i++) {
            f[6 + i] = (byte) (p[i] ^ key[i % 4]);
        }
        return f;
    }

    static String readTextFrame(InputStream in) throws IOException {
        byte[] h = in.readNBytes(2);
        assertThat(h[0] & 0xff).isEqualTo(0x81);
        return new String(in.readNBytes(h[1] & 0x7f), StandardCharsets.UTF_8);
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream in the response head");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void clientPreferenceChoosesTheSubprotocol() throws Exception {
        JdkClient c = JdkClient.connect(server.wsUri() + "?mode=subprotocol", "b", "a");
        assertThat(c.ws.getSubprotocol()).isEqualTo("b");
        assertThat(c.next()).isEqualTo("chosen:b");
        c.ws.sendClose(1000, "").join();
        assertThat(c.awaitCloseCode()).isEqualTo(1000);
        JdkClient none = JdkClient.connect(server.wsUri() + "?mode=subprotocol", "zz");
        assertThat(none.ws.getSubprotocol()).isEmpty();
        assertThat(none.next()).isEqualTo("chosen:");
        none.ws.sendClose(1000, "").join();
        assertThat(none.awaitCloseCode()).isEqualTo(1000);
    }

    @Test
    void foreignOriginIsRefusedWith403() {
        Throwable t = catchThrowable(() -> JdkClient.HTTP.newWebSocketBuilder().header("Origin", "http://evil.test")
                .buildAsync(URI.create(server.wsUri()), new JdkClient()).get(20, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        WebSocketHandshakeException e = (WebSocketHandshakeException) t.getCause();
        assertThat(e.getResponse().statusCode()).isEqualTo(403);
    }

    @Test
    void readDeadlineTimesOutAndACloseCanStillBeWritten() throws Exception {
        JdkClient c = JdkClient.connect(server.wsUri() + "?mode=deadline");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("read timed out");
        assertThat(c.awaitCloseCode()).isEqualTo(4000);
        assertThat(c.closeReason.get(5, TimeUnit.SECONDS)).isEqualTo("idle");
        assertThat(awaitListener("error")).startsWith("error TIMEOUT");
    }

    @Test
    void handlerExceptionClosesWith1011AndIsReportedOnce() throws Exception {
        JdkClient c = JdkClient.connect(server.wsUri() + "?mode=throw");
        c.ws.sendText("go", true).join();
        assertThat(c.awaitCloseCode()).isEqualTo(1011);
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("handler failed boom");
        assertThat(awaitListener("error HANDLER")).isEqualTo("error HANDLER boom");
        assertThat(awaitListener("closed")).isEqualTo("closed 1011 LOCAL");
    }

    @Test
    void serverCloseSendsTheCloseFrameThenEndsTheTcpConnection() throws Exception {
        try (Socket s = wsSocket("serverclose")) {
            InputStream in = s.getInputStream();
            byte[] frame = in.readNBytes(7);
            assertThat(frame).containsExactly(0x88, 5, 0x03, 0xE8, 'b', 'y', 'e');
            assertThat(in.read()).as("EOF once the handler returned").isEqualTo(-1);
        }
    }

    @Test
    void closeFromAnotherThreadEndsTheHandlersReadAndTheTcpConnection() throws Exception {
        try (Socket s = wsSocket("closefromother")) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThat(s.getInputStream().read()).as("EOF: the socket was closed").isEqualTo(-1);
            assertThat(awaitListener("closed")).isEqualTo("closed 1006 ABNORMAL");
        }
    }

    @Test
    void peerTcpDropEndsTheHandlersReadWithClose1006() throws Exception {
        Socket s = wsSocket("read");
        Thread.sleep(200); // the handler is blocked in its read
        s.close();
        Object outcome = events.poll(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(CloseException.class);
        assertThat(((CloseException) outcome).code()).isEqualTo(1006);
        assertThat(awaitListener("closed")).isEqualTo("closed 1006 ABNORMAL");
    }

    String awaitListener(String prefix) throws InterruptedException {
        while (true) {
            String e = listenerEvents.poll(10, TimeUnit.SECONDS);
            if (e == null || e.startsWith(prefix)) {
                return e;
            }
        }
    }

    Socket wsSocket(String mode) throws IOException {
        RawHttp r = RawHttp.exchange(server.port(), RawHttp.validRequest(server.port()).replace("GET /ws", "GET /ws?mode=" + mode));
        assertThat(r.status).isEqualTo(101);
        r.socket.setSoTimeout(10_000);
        return r.socket;
    }

    static int[] ints(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
