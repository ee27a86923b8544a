package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.client.Dialer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The case catalogue against the client: the core {@link Dialer} connects to a scripted raw server
 * that sends each case's frames (unmasked, as a server must, unless the case says otherwise) and
 * judges what the client sends back. The client side echoes with the same four agents as the server.
 */
class ClientConformanceTest {
    static final Summary SUMMARY = new Summary("client");
    private static final List<ConformanceCase> CASES = Cases.all();
    /** Own threads for the clients under test: the common pool has one thread on a 2-core machine. */
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "client-under-test");
        t.setDaemon(true);
        return t;
    });
    private static final Dialer DIALER = Dialer.builder()
            .proxySelector(HttpClient.Builder.NO_PROXY)
            .handshakeTimeout(Duration.ofSeconds(10))
            .readLimit(Cases.READ_LIMIT)
            .build();
    private static final Dialer DEFLATE_DIALER = DIALER.toBuilder().enableCompression(true).build();
    private static ServerSocket server;

    @BeforeAll
    static void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(10_000);
    }

    @AfterAll
    static void summary() throws Exception {
        server.close();
        SUMMARY.print();
    }

    @TestFactory
    Stream<DynamicContainer> autobahnAgents() {
        return Stream.of(EchoAgent.values()).map(agent -> DynamicContainer.dynamicContainer("client " + agent.path,
                CASES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(agent, c)))));
    }

    private void run(EchoAgent agent, ConformanceCase c) throws Exception {
        boolean passed = false;
        try {
            URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
            // The client under test, echoing until the connection ends; it must end on its own.
            CompletableFuture<IOException> client = CompletableFuture.supplyAsync(() -> {
                try (Conn conn = (c.offer() == null ? DIALER : DEFLATE_DIALER).dial(uri)) {
                    agent.run(conn);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            }, CLIENTS);
            Received r;
            PeerDeflate deflate;
            try (Socket socket = server.accept()) {
                socket.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                RawClient.Response request = RawClient.readHead(in);
                String key = request.header("Sec-WebSocket-Key");
                String offered = request.header("Sec-WebSocket-Extensions");
                if (c.offer() != null) {
                    assertThat(RawClient.normalize(offered)).as("the Dialer's offer").startsWith("permessage-deflate");
                } else {
                    assertThat(offered).as("the Dialer's offer without compression").isNull();
                }
                // The scripted server answers as the case says (null: it declines the offer).
                socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + RawClient.accept(key) + "\r\n"
                        + (c.answer() == null ? "" : "Sec-WebSocket-Extensions: " + c.answer() + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                deflate = c.answer() == null ? null : new PeerDeflate(c.answer(), false);
                r = new RawPeer(socket, in, false, deflate).run(c, 10_000);
            }
            IOException ended = client.get(10, TimeUnit.SECONDS);
            assertThat(ended).as("the client's echo loop ends with an error").isNotNull();
            List<String> differences = new java.util.ArrayList<>(r.differences(c.expected()));
            if (deflate != null && r.compressedMessages != r.messages.size()) {
                differences.add(r.compressedMessages + " of " + r.messages.size() + " echoes compressed, expected all");
            }
            assertThat(differences).as("case %s, client agent %s", c, agent.path).isEmpty();
            passed = true;
        } finally {
            SUMMARY.record(agent.path, c.section(), passed);
        }
    }
}
