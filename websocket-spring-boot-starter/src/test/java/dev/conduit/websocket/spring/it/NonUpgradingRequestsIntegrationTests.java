package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.endpoint.ConnectionRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A connection slot is held only by a connection that upgrades: thousands of concurrent requests
 * that do not complete an upgrade (no upgrade headers, a malformed query, a missing key, a wrong
 * version, a foreign origin, a wrong method) each get the 4xx that says why, never 500, and leave
 * no slot behind, with a connection limit far below their number; a real upgrade works after them.
 */
class NonUpgradingRequestsIntegrationTests {
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-connections=50")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void requestsThatDoNotUpgradeGetA4xxAndHoldNoSlot() throws Exception {
        Map<String, Integer> cases = Map.of(
                "GET /open/echo?a=%zz HTTP/1.1\r\n", 400,
                "GET /open/echo HTTP/1.1\r\n", 426,
                "GET /open/echo?a=%zz HTTP/1.1\r\n" + UPGRADE, 400,
                "GET /open/echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n", 400,
                "GET /open/echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n", 426,
                "GET /open/echo HTTP/1.1\r\n" + UPGRADE + "Origin: https://evil.example\r\n", 403);
        List<String> requests = new ArrayList<>(cases.keySet());
        int total = 2_000;
        Map<String, AtomicInteger> wrong = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                String head = requests.get(i % requests.size());
                int expected = cases.get(head);
                done.add(pool.submit(() -> {
                    int status = status(head);
                    if (status != expected) {
                        wrong.computeIfAbsent(head.lines().findFirst().orElse(head) + " -> " + status,
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wrong).as("requests answered with another status than expected").isEmpty();
        ConnectionRegistry registry = app.getBean(ConnectionRegistry.class);
        assertThat(registry.count()).as("slots held after %d refused requests", total).isZero();
        try (RawWsPeer peer = RawWsPeer.connect(port, "/open/echo")) {
            peer.send(WebSocket.TEXT_MESSAGE, "still here".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(peer.next().payload(), StandardCharsets.UTF_8)).isEqualTo("still here");
        }
    }

    /** Sends one request head on a fresh socket and returns the status code of the answer. */
    private static int status(String head) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            String request = head + "Host: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n";
            if (head.contains("Connection: Upgrade")) {
                request = head + "Host: 127.0.0.1:" + port + "\r\n\r\n";
            }
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.write(b);
            }
            String statusLine = line.toString(StandardCharsets.ISO_8859_1);
            String[] parts = statusLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        }
    }
}
