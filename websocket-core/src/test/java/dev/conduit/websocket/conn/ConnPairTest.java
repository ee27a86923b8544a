package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.WebSocket;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server Conn and a client Conn over one loopback socket, exercising gorilla's API end to end. */
class ConnPairTest {
    private Conn server;
    private Conn client;
    // Own threads, not the common pool: a blocked reader there would delay the next test's loop.
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();

    @BeforeEach
    void open() throws Exception {
        Conn[] c = Loopback.connPair(ConnSettings.server().subprotocol("chat"), ConnSettings.client().subprotocol("chat"));
        server = c[0];
        client = c[1];
    }

    @AfterEach
    void close() throws Exception {
        server.close();
        client.close();
        threads.shutdownNow();
    }

    /** gorilla's TestFraming: every length boundary, both directions, via writeMessage and via nextWriter. */
    @Test
    void framingAtEveryLengthBoundaryBothWays() throws Exception {
        int[] sizes = {0, 1, 2, 124, 125, 126, 127, 128, 129, 4095, 4096, 4097, 65534, 65535, 65536, 1 << 20};
        Random random = new Random(3);
        for (int size : sizes) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            for (Conn[] dir : new Conn[][] {{server, client}, {client, server}}) {
                dir[0].writeMessage(BINARY_MESSAGE, data);
                try (OutputStream w = dir[0].nextWriter(BINARY_MESSAGE)) {
                    for (int off = 0; off < size; off += 333) {
                        w.write(data, off, Math.min(333, size - off));
                    }
                }
                assertThat(dir[1].readMessage().data()).isEqualTo(data);
                // Read back one byte at a time through the stream.
                MessageReader r = dir[1].nextReader();
                byte[] got = new byte[size];
                for (int i = 0; i < size; i++) {
                    got[i] = (byte) r.reader().read();
                }
                assertThat(r.reader().read()).isEqualTo(-1);
                assertThat(got).isEqualTo(data);
            }
        }
    }

    @Test
    void gorillaEchoAndStreamExamples() throws Exception {
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try {
                // gorilla's echoHandler, then its streamHandler copy loop.
                Message m = server.readMessage();
                server.writeMessage(m.messageType(), m.data());
                MessageReader r = server.nextReader();
                try (OutputStream w = server.nextWriter(r.messageType())) {
                    r.reader().transferTo(w);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
        client.writeMessage(TEXT_MESSAGE, "Hello".getBytes(StandardCharsets.UTF_8));
        assertThat(client.readMessage()).satisfies(m -> {
            assertThat(m.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(m.text()).isEqualTo("Hello");
        });
        OutputStream w = client.nextWriter(BINARY_MESSAGE);
        w.write("Hello ".getBytes());
        w.write("World".getBytes());
        w.close();
        Message m = client.readMessage();
        assertThat(m.messageType()).isEqualTo(BINARY_MESSAGE);
        assertThat(m.text()).isEqualTo("Hello World");
        echo.get();
    }

    public static class Request {
        public String action;
        public String data;
    }

    public record Response(String status, String result) {
    }

    @Test
    void jsonRoundTripIntoNewAndExistingObjects() throws Exception {
        Request req = new Request();
        req.action = "run";
        req.data = "x";
        client.writeJson(req);
        Request got = server.readJson(Request.class);
        assertThat(got.action).isEqualTo("run");
        assertThat(got.data).isEqualTo("x");

        server.writeJson(new Response("ok", "Processed: x"));
        assertThat(client.readJson(Response.class)).isEqualTo(new Response("ok", "Processed: x"));

        Request existing = new Request();
        existing.action = "keep";
        client.writeMessage(TEXT_MESSAGE, "{\"data\":\"y\"}".getBytes());
        server.readJson((Object) existing);
        assertThat(existing.action).isEqualTo("keep");
        assertThat(existing.data).isEqualTo("y");

        client.writeMessage(TEXT_MESSAGE, "[1,2,3]".getBytes());
        List<Integer> list = server.readJson(new TypeReference<List<Integer>>() { }.getType());
        assertThat(list).containsExactly(1, 2, 3);

        // Deprecated package-level forms behave the same.
        WebSocket.writeJson(client, Map.of("a", 1));
        assertThat(WebSocket.readJson(server, Map.class)).containsEntry("a", 1);
    }

    /** gorilla's TestPartialJSONRead: truncated or blank JSON is an EOF; after a close, the close error. */
    @Test
    void partialJsonIsEofAndAfterCloseTheCloseError() throws Exception {
        String doc = "{\"action\":\"a\",\"data\":\"b\"}";
        for (int i = 0; i < doc.length(); i++) {
            client.writeMessage(TEXT_MESSAGE, doc.substring(0, i).getBytes());
            assertThatThrownBy(() -> server.readJson(Request.class)).isInstanceOf(EOFException.class);
        }
        client.writeMessage(TEXT_MESSAGE, "   ".getBytes());
        assertThatThrownBy(() -> server.readJson(Request.class)).isInstanceOf(EOFException.class);
        client.writeMessage(CLOSE_MESSAGE, formatCloseMessage(1000, ""));
        assertThatThrownBy(() -> server.readJson(Request.class)).isInstanceOf(CloseException.class);
    }

    @Test
    void writeJsonThatCannotEncodeSendsNothing() throws Exception {
        Object bad = new Object() {
            public Object getSelf() {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> client.writeJson(bad)).isInstanceOf(java.io.IOException.class);
        client.writeMessage(TEXT_MESSAGE, "next".getBytes());
        assertThat(server.readMessage().text()).isEqualTo("next");
    }

    /** gorilla's TestJoinMessages, and gorilla's scanner example. */
    @Test
    void joinMessages() throws Exception {
        String[] messages = {"a", "bc", "def", "ghij", "klmno", "0", "12", "345", "6789"};
        for (String m : messages) {
            client.writeMessage(TEXT_MESSAGE, m.getBytes());
        }
        client.writeMessage(CLOSE_MESSAGE, formatCloseMessage(1000, ""));
        InputStream joined = WebSocket.joinMessages(server, "\n");
        BufferedReader lines = new BufferedReader(new InputStreamReader(joined, StandardCharsets.UTF_8), 3);
        List<String> got = new ArrayList<>();
        Throwable end = catchThrowable(() -> {
            String line;
            while ((line = lines.readLine()) != null) {
                got.add(line);
            }
        });
        assertThat(got).containsExactly(messages);
        assertThat(end).isInstanceOf(CloseException.class);
        assertThat(isUnexpectedCloseError(end, CLOSE_NORMAL_CLOSURE)).isFalse();
    }

    @Test
    void readDeadlineFailsTheReaderButACloseCanStillBeWritten() throws Exception {
        server.setReadDeadline(Instant.now().plusMillis(200));
        Throwable t = catchThrowable(() -> server.readMessage());
        assertThat(t).isInstanceOf(SocketTimeoutException.class);
        server.setReadDeadline(null);
        assertThat(catchThrowable(() -> server.readMessage())).isSameAs(t); // permanent, as in gorilla
        server.writeControl(CLOSE_MESSAGE, formatCloseMessage(CLOSE_GOING_AWAY, "idle"), Instant.now().plusSeconds(1));
        assertThatThrownBy(() -> client.readMessage()).isInstanceOf(CloseException.class)
                .hasMessage("websocket: close 1001 (going away): idle");
    }

    @Test
    void gorillaReadLoopWithDeadlinesAndAPongHandler() throws Exception {
        // gorilla's readLoop example: a deadline before each read, extended by every pong.
        server.setReadDeadline(Instant.now().plusMillis(1500));
        server.setPongHandler(d -> server.setReadDeadline(Instant.now().plusMillis(1500)));
        CompletableFuture<List<String>> loop = CompletableFuture.supplyAsync(() -> {
            List<String> got = new ArrayList<>();
            try {
                while (true) {
                    got.add(server.readMessage().text());
                    server.setReadDeadline(Instant.now().plusMillis(1500));
                }
            } catch (Exception e) {
                got.add(e.getClass().getSimpleName());
                return got;
            }
        }, threads);
        for (int i = 0; i < 8; i++) {
            Thread.sleep(300);
            client.writeControl(PONG_MESSAGE, new byte[0], null); // keeps it alive past 1.5 s in total
        }
        client.writeMessage(TEXT_MESSAGE, "alive".getBytes());
        assertThat(loop.get()).containsExactly("alive", "SocketTimeoutException");
    }

    @Test
    void gracefulCloseSendsCodeWaitsForTheEchoAndClosesTheTransport() throws Exception {
        List<String> events = new ArrayList<>();
        Conn[] c = Loopback.connPair(ConnSettings.server().listener(new ConnListener() {
            @Override
            public void closed(int code, Initiator initiator) {
                events.add(code + " " + initiator);
            }
        }), ConnSettings.client());
        CompletableFuture<Throwable> peer = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
            while (true) {
                c[1].readMessage(); // the default close handler echoes the close
            }
        }), threads);
        c[0].writeMessage(TEXT_MESSAGE, "last words".getBytes());
        c[0].close(CLOSE_NORMAL_CLOSURE, "bye", Duration.ofSeconds(5));
        Throwable seen = peer.get();
        assertThat(seen).isInstanceOf(CloseException.class).hasMessage("websocket: close 1000 (normal): bye");
        assertThat(events).containsExactly("1000 LOCAL");
        assertThatThrownBy(() -> c[0].netConn().read(new byte[1], 0, 1)).as("transport closed").hasMessageContaining("closed");
        c[1].close();
    }

    @Test
    void gracefulCloseWhileAnotherThreadReads() throws Exception {
        CompletableFuture<Throwable> serverReader = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
            while (true) {
                server.readMessage();
            }
        }), threads);
        CompletableFuture<Throwable> clientReader = CompletableFuture.supplyAsync(() -> catchThrowable(() -> {
            while (true) {
                client.readMessage();
            }
        }), threads);
        Thread.sleep(100);
        server.close(CLOSE_GOING_AWAY, "shutdown", Duration.ofSeconds(5));
        assertThat(clientReader.get()).isInstanceOf(CloseException.class).hasMessageContaining("1001");
        // The server's reader saw the echo (code 1001), not a timeout.
        assertThat(serverReader.get()).isInstanceOf(CloseException.class).hasMessageContaining("1001");
    }

    @Test
    void gracefulCloseGivesUpAfterTheTimeoutWhenThePeerNeverAnswers() throws Exception {
        // The client never reads, so it never echoes.
        long start = System.nanoTime();
        server.close(CLOSE_NORMAL_CLOSURE, "", Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> client.readMessage()).isInstanceOf(CloseException.class);
    }

    @Test
    void tcpDropIsAbnormalClosure() throws Exception {
        client.netConn().close();
        assertThatThrownBy(() -> server.readMessage()).isInstanceOf(CloseException.class)
                .satisfies(e -> assertThat(((CloseException) e).code()).isEqualTo(CLOSE_ABNORMAL_CLOSURE));
    }

    @Test
    void accessors() {
        assertThat(server.subprotocol()).isEqualTo("chat");
        assertThat(server.localAddr()).isEqualTo(client.remoteAddr());
        assertThat(server.remoteAddr()).isEqualTo(client.localAddr());
        assertThat(server.netConn()).isNotNull().isSameAs(server.underlyingConn());
        assertThatThrownBy(() -> server.setCompressionLevel(10)).isInstanceOf(IllegalArgumentException.class);
        server.setCompressionLevel(-2);
        server.setCompressionLevel(9);
    }

    @Test
    void listenerSeesMessagesControlFramesAndTheClose() throws Exception {
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        ConnListener l = new ConnListener() {
            @Override
            public void opened(Conn conn) {
                events.add("opened");
            }

            @Override
            public void messageRead(int type, long bytes) {
                events.add("read " + type + " " + bytes);
            }

            @Override
            public void messageWritten(int type, long bytes) {
                events.add("written " + type + " " + bytes);
            }

            @Override
            public void controlReceived(int type) {
                events.add("received " + type);
            }

            @Override
            public void controlSent(int type) {
                events.add("sent " + type);
            }

            @Override
            public void closed(int code, Initiator initiator) {
                events.add("closed " + code + " " + initiator);
            }
        };
        Conn[] c = Loopback.connPair(ConnSettings.server().listener(l), ConnSettings.client());
        c[1].writeMessage(TEXT_MESSAGE, "abc".getBytes());
        c[1].writeControl(PING_MESSAGE, new byte[0], null);
        c[1].writeMessage(CLOSE_MESSAGE, formatCloseMessage(4001, "app"));
        assertThat(c[0].readMessage().text()).isEqualTo("abc");
        c[0].writeMessage(BINARY_MESSAGE, new byte[7]);
        assertThatThrownBy(() -> c[0].readMessage()).isInstanceOf(CloseException.class);
        c[0].close();
        c[1].close();
        assertThat(events).containsExactly("opened", "read 1 3", "written 2 7", "received 9", "sent 10", "closed 4001 REMOTE");
    }
}
