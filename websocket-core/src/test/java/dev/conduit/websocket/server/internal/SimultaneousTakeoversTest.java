package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.EmbeddedTomcat;
import dev.conduit.websocket.server.RawHttp;
import dev.conduit.websocket.server.Upgrader;

import dev.conduit.websocket.Message;
import dev.conduit.websocket.conn.WebSocketConn;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 upgrade requests sent at once, with no bound on the handshakes in flight: every one is
 * answered with a 101 and echoes a message, and the load does not turn the takeover off. (The
 * ramp of {@code ManyConnectionsTest} opens them a hundred at a time.) The takeover's wait for
 * Tomcat's poller is cut from 10 s to 1 ms, which this burst exceeds on two cores as a busier
 * machine exceeds 10 s: a takeover that finds the poller late leaves its connection with
 * Tomcat's streams, and the transport's status counts it.
 */
class SimultaneousTakeoversTest {
    static final int CONNECTIONS = 1000;

    final Upgrader upgrader = Upgrader.builder().build();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger onContainerStreams = new AtomicInteger();
    final ConcurrentLinkedQueue<String> endings = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closeUpgrader() {
        upgrader.close();
        TomcatTakeover.roundBudgetNanosForTests = 0;
    }

    final HttpServlet echo = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            upgrader.upgrade(req, resp, null, conn -> {
                started.incrementAndGet();
                if (!(((WebSocketConn) conn).netConn() instanceof ReadLoopNetConn)) {
                    onContainerStreams.incrementAndGet();
                }
                try {
                    while (true) {
                        Message m = conn.readMessage();
                        conn.writeMessage(m.messageType(), m.data());
                    }
                } catch (IOException | RuntimeException e) {
                    endings.add(e.toString());
                    throw e;
                }
            });
        }
    };

    @Test
    void thousandUpgradesSentAtOnceAreAllServed() throws Exception {
        TransportRuntime.resetTurnedOffForTests();
        TomcatTakeover.roundBudgetNanosForTests = TimeUnit.MILLISECONDS.toNanos(1);
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo, CONNECTIONS + 100)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                byte[] request = RawHttp.validRequest(server.port()).getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.setSoTimeout(30_000);
                    sockets.add(s);
                }
                for (Socket s : sockets) { // every request is out before the first answer is read
                    s.getOutputStream().write(request);
                }
                int upgraded = 0;
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    String head = readHead(sockets.get(i).getInputStream());
                    if (head.startsWith("HTTP/1.1 101")) {
                        upgraded++;
                    } else {
                        failures.add(i + ": " + head.lines().findFirst().orElse(head));
                    }
                }
                assertThat(upgraded).as(() -> "upgraded; failures: " + failures).isEqualTo(CONNECTIONS);
                for (int i = 0; i < CONNECTIONS; i++) {
                    sockets.get(i).getOutputStream().write(maskedText("m" + i));
                }
                List<String> lost = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    String echoed = readText(sockets.get(i).getInputStream());
                    if (!("m" + i).equals(echoed)) {
                        lost.add(i + ": " + echoed);
                    }
                }
                assertThat(lost).as(() -> "connections that did not echo (handlers started: " + started.get()
                        + ", ended with: " + endings + ")").isEmpty();
                assertThat(TransportRuntime.turnedOff()).as("load does not turn the takeover off").isNull();
                assertThat(upgrader.serverTransport().status().lateTakeovers())
                        .as("every connection a late poller left on Tomcat's streams is counted")
                        .isEqualTo(onContainerStreams.get());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        } finally {
            TransportRuntime.resetTurnedOffForTests();
        }
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** Reads one unmasked short text frame, or describes what came instead. */
    private static String readText(InputStream in) {
        try {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return "(connection ended)";
            }
            byte[] payload = in.readNBytes(b1 & 0x7f);
            if (b0 != 0x81) {
                return "(opcode byte " + b0 + ", payload " + new String(payload, StandardCharsets.ISO_8859_1) + ")";
            }
            return new String(payload, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String readHead(InputStream in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    return "(connection ended) " + b;
                }
                b.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
        } catch (IOException e) {
            return "(" + e + ") " + b;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
