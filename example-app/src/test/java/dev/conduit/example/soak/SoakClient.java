package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.client.Dialer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The load client's side of the soak: our {@link Dialer} on plain platform threads. Holding many
 * connections needs no thread per connection here: a round writes one message on every connection
 * from one thread, then reads every echo back, so all connections have a message in flight at once
 * while the client uses a handful of threads (the server is what must scale, not the client).
 */
final class SoakClient {
    static final Dialer DIALER = Dialer.builder().handshakeTimeout(Duration.ofSeconds(30)).build();
    /** Bound on any single read: a lost echo fails the run instead of hanging it. */
    static final Duration READ_WAIT = Duration.ofSeconds(60);

    private SoakClient() {
    }

    /** Opens {@code count} connections to {@code uri} from {@code parallelism} dialing threads. */
    static List<Conn> open(URI uri, int count, int parallelism) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<Conn>> dials = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                dials.add(pool.submit(() -> DIALER.dial(uri)));
            }
            List<Conn> conns = new ArrayList<>(count);
            try {
                for (Future<Conn> dial : dials) {
                    conns.add(dial.get());
                }
            } catch (Exception e) {
                // Do not leave the opened ones to the garbage collector.
                for (Conn conn : conns) {
                    conn.close();
                }
                throw e;
            }
            return conns;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Writes message {@code seq} on every connection (connection i sends as id i), then reads every
     * echo and checks it; asserts that each came back intact and in order.
     */
    static void echoRound(List<Conn> conns, long seq) throws IOException {
        for (int i = 0; i < conns.size(); i++) {
            conns.get(i).writeMessage(Checksummed.messageType(seq), Checksummed.encode(i, seq));
        }
        for (int i = 0; i < conns.size(); i++) {
            Conn conn = conns.get(i);
            conn.setReadDeadline(Instant.now().plus(READ_WAIT));
            Message echo = conn.readMessage();
            assertThat(Checksummed.verify(i, seq, echo)).as("echo %d on connection %d", seq, i)
                    .isEqualTo(Checksummed.Verdict.OK);
        }
    }

    /** Closes every connection with 1000, each waiting for the server's close reply. */
    static void closeAll(List<Conn> conns, int parallelism) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<?>> closes = new ArrayList<>(conns.size());
            for (Conn conn : conns) {
                closes.add(pool.submit(() -> {
                    try {
                        conn.close(1000, "", Duration.ofSeconds(10));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            for (Future<?> close : closes) {
                close.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A few connections echo a few hundred messages and close, so that the baseline taken after it
     * includes what any first connection creates once (compiled code, pool threads, caches).
     */
    static ResourceUse warmUpAndMeasureBaseline(SoakServer server) throws Exception {
        List<Conn> conns = open(server.uri("/echo"), 8, 2);
        for (long seq = 0; seq < 300; seq++) {
            echoRound(conns, seq);
        }
        closeAll(conns, 2);
        assertThat(awaitActive(server, 0)).isZero();
        Thread.sleep(2000);
        return server.use();
    }

    /** The server's {@code /actuator/websockets} document. */
    static JsonNode websockets(SoakServer server) throws IOException, InterruptedException {
        URI uri = URI.create(server.uri("/actuator/websockets").toString().replaceFirst("^ws:", "http:"));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    /** Polls the server's open-connection count until it is {@code expected} (at most 30 s); returns the last. */
    static int awaitActive(SoakServer server, int expected) throws IOException, InterruptedException {
        int active = websockets(server).path("activeConnections").asInt(-1);
        for (int i = 0; i < 300 && active != expected; i++) {
            Thread.sleep(100);
            active = websockets(server).path("activeConnections").asInt(-1);
        }
        return active;
    }

    /** Appends a line to {@code target/soak/figures.txt}, and prints it into the test's report. */
    static void record(String line) throws IOException {
        String stamped = Instant.now() + " " + line + " | loadavg " + loadAverage();
        System.out.println(stamped);
        Files.writeString(Path.of(System.getProperty("conduit.soak.logs"), "figures.txt"), stamped + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /** Platform threads of the server currently inside the /echo handler (jcmd Thread.print; virtual threads are not listed). */
    static int threadsInHandlers(SoakServer server) throws IOException, InterruptedException {
        int n = 0;
        for (String thread : server.threadDump().split("\n\n")) {
            if (thread.contains("dev.conduit.example.EchoEndpoint.echo")) {
                n++;
            }
        }
        return n;
    }
}
