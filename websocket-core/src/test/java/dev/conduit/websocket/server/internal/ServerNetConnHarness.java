package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.Transport;
import dev.conduit.websocket.server.TestServer;
import dev.conduit.websocket.server.RawHttp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stage of the transport tests: a real container (Tomcat unless a subclass says otherwise)
 * whose upgrade handler opens the transport under test and runs the test's {@link #scenario}
 * inside {@code init()}, as the Upgrader's handler does; the scenario reports through
 * {@link #events}. The hooks name the transport and what to expect of it.
 */
abstract class ServerNetConnHarness {
    static volatile Consumer<ServerNetConn> scenario;
    static final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    /** Scenarios still running: a test ends only when its scenario has, so none reports into the next test. */
    static final AtomicInteger running = new AtomicInteger();
    static volatile boolean lastChannelTaken;
    static volatile Class<?> lastTransport;
    /** The transport of the scenarios; Tomcat 10.1.48 and 11.0.22 are verified, so AUTO takes over. */
    static volatile TransportRuntime transport;
    TestServer server;

    Transport transportMode() {
        return Transport.AUTO;
    }

    TestServer.Container container() {
        return TestServer.Container.TOMCAT;
    }

    void assumeSocketTimeouts() {
        // Tomcat: socket timeouts; Undertow: the watchdog.
    }

    public static final class ScenarioHandler implements HttpUpgradeHandler {
        @Override
        public void init(WebConnection wc) {
            ServerNetConn net;
            try {
                net = TransportFactory.open(wc, null, null, transport);
            } catch (TakeoverException e) {
                events.add(e);
                return;
            }
            running.incrementAndGet();
            lastChannelTaken = net instanceof ReadLoopNetConn;
            lastTransport = net.getClass();
            try {
                scenario.accept(net);
            } catch (RuntimeException e) {
                events.add(e);
            } finally {
                net.endOfHandler();
                events.add("init returned");
                running.decrementAndGet();
            }
        }

        @Override
        public void destroy() {
        }
    }

    @BeforeEach
    void start() {
        events.clear();
        transport = new TransportRuntime(transportMode(), 1);
        server = TestServer.start(container(), new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(101);
                resp.setHeader("Upgrade", "test");
                resp.setHeader("Connection", "Upgrade");
                try {
                    req.upgrade(ScenarioHandler.class);
                } catch (jakarta.servlet.ServletException e) {
                    throw new IOException(e);
                }
            }
        }, 200);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = 0; i < 100 && running.get() > 0; i++) {
            Thread.sleep(100); // the test closed its socket: the scenario sees the end and returns
        }
        server.close();
        transport.close();
    }

    Socket connect() throws IOException {
        RawHttp r = RawHttp.exchange(server.port(), "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n");
        assertThat(r.status).isEqualTo(101);
        return r.socket;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF after " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    static void write(ServerNetConn net, String s) {
        try {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            net.write(b, 0, b.length);
            net.flush();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * Tomcat's plaintext NIO channel is taken for the WebSocket's life by default; Undertow keeps
     * its streams, and so does Tomcat with {@link Transport#CONTAINER}.
     */
    boolean expectChannelTaken() {
        return true;
    }

    /** The transport class the factory picks: one per transport. */
    Class<?> expectedTransport() {
        return ReadLoopNetConn.class;
    }

    /** Whether the transport writes to the socket itself (direct I/O, the takeover) rather than through the container. */
    boolean writesToTheSocket() {
        return true;
    }

    /** The test pattern's byte at position {@code i}: it varies along the stream, so a lost, doubled or moved byte shows. */
    static byte patternAt(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }
}
