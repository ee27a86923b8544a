package dev.conduit.websocket.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Automatic control frames have their own bound: a peer that pings without ever reading costs its
 * own connection once the pongs stop going out (the control timeout, 1 s by default), never the
 * reading thread, the frame lock or other connections; a write deadline set meanwhile waits for
 * nobody.
 */
class ControlFrameBoundsTest {
    final BlockingQueue<Object> handlerEnds = new LinkedBlockingQueue<>();
    final BlockingQueue<String> listenerEvents = new LinkedBlockingQueue<>();
    TestServer server;

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    Transport transport() {
        return Transport.AUTO;
    }

    final Upgrader upgrader = Upgrader.builder()
            .transport(transport())
            .listener(new ConnListener() {
                @Override
                public void error(ErrorKind kind, Throwable error) {
                    listenerEvents.add("error " + kind);
                }
            })
            .build();

    @BeforeEach
    void start() {
        server = TestServer.start(container(), new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                boolean setsDeadlines = "deadlines".equals(req.getParameter("mode"));
                try {
                    upgrader.upgrade(req, resp, null, conn -> {
                        if (setsDeadlines) {
                            // Another thread keeps moving the write deadline while pongs are stuck.
                            Thread mover = new Thread(() -> {
                                try {
                                    while (true) {
                                        conn.setWriteDeadline(Instant.now().plusSeconds(60));
                                        handlerEnds.add("deadline set");
                                        Thread.sleep(50);
                                    }
                                } catch (IOException | InterruptedException e) {
                                    // ends with the test
                                }
                            });
                            mover.setDaemon(true);
                            mover.start();
                        }
                        try {
                            while (true) {
                                Message m = conn.readMessage();
                                conn.writeMessage(m.messageType(), m.data());
                            }
                        } catch (IOException e) {
                            handlerEnds.add(e);
                        }
                    });
                } catch (HandshakeException e) {
                    handlerEnds.add(e);
                }
            }
        }, 50);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upgrader.close();
    }

    @Test
    void aPeerThatPingsWithoutReadingLosesItsConnectionAndNothingElse() throws Exception {
        try (Socket flooder = upgradeWithSmallReceiveBuffer("/ws")) {
            Thread flood = startPingFlood(flooder);
            // The handler's read ends: the stuck pong closed the connection within its bound.
            Object end = pollUntilNot(handlerEnds, "deadline set", 30);
            assertThat(end).as("the flooded handler's read ends").isInstanceOf(IOException.class);
            assertThat(listenerEvents).contains("error TIMEOUT");
            echoWorks();
            flooder.close();
            flood.join(10_000);
            assertThat(flood.isAlive()).isFalse();
        }
    }

    @Test
    void setWriteDeadlineNeverWaitsForAStuckPong() throws Exception {
        try (Socket flooder = upgradeWithSmallReceiveBuffer("/ws?mode=deadlines")) {
            Thread flood = startPingFlood(flooder);
            Object end = pollUntilNot(handlerEnds, "deadline set", 30);
            assertThat(end).isInstanceOf(IOException.class);
            // The deadline mover kept going while a pong was stuck (it never waited on the frame lock).
            assertThat(handlerEnds.poll(10, TimeUnit.SECONDS)).isEqualTo("deadline set");
            flooder.close();
            flood.join(10_000);
        }
    }

    private static Object pollUntilNot(BlockingQueue<Object> q, Object skip, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object o;
        do {
            o = q.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } while (skip.equals(o));
        return o;
    }

    private void echoWorks() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            handshake(s, "/ws");
            OutputStream out = s.getOutputStream();
            out.write(maskedFrame(WebSocket.TEXT_MESSAGE, "hi".getBytes(StandardCharsets.UTF_8)));
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(4);
            assertThat(head[0] & 0x0f).isEqualTo(WebSocket.TEXT_MESSAGE);
            assertThat(new String(head, 2, 2, StandardCharsets.UTF_8)).isEqualTo("hi");
        }
    }

    private Socket upgradeWithSmallReceiveBuffer(String path) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        handshake(s, path);
        return s;
    }

    private void handshake(Socket s, String path) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /** Writes pings (125-byte payloads) until the socket fails; never reads. */
    private static Thread startPingFlood(Socket s) {
        byte[] ping = maskedFrame(WebSocket.PING_MESSAGE, new byte[125]);
        byte[] batch = new byte[ping.length * 64];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(ping, 0, batch, i * ping.length, ping.length);
        }
        Thread t = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                while (true) {
                    out.write(batch);
                }
            } catch (IOException e) {
                // the server closed the connection, or the test did
            }
        }, "ping-flood");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A masked frame with key 0 (the payload goes as it is, which RFC 6455 allows). */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] f = new byte[2 + 4 + payload.length];
        f[0] = (byte) (0x80 | opcode);
        f[1] = (byte) (0x80 | payload.length);
        System.arraycopy(payload, 0, f, 6, payload.length);
        return f;
    }
}
