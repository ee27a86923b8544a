package dev.conduit.bench.load;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.client.Dialer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Opens and closes the load generator's connections (our Dialer). */
final class Clients {
    /** Large enough that no message of these loads is split into frames on the way out. */
    static final Dialer DIALER = Dialer.builder()
            .readBufferSize(32 * 1024)
            .writeBufferSize(64 * 1024)
            .handshakeTimeout(Duration.ofSeconds(30))
            .proxySelector(null)
            .build();

    private Clients() {
    }

    /** Dials {@code count} connections, at most {@code parallel} handshakes at a time. */
    static List<Conn> dial(URI url, int count, int parallel) throws Exception {
        List<Future<Conn>> pending = run(count, parallel, () -> DIALER.dial(url));
        List<Conn> conns = new ArrayList<>(count);
        Exception first = null;
        for (Future<Conn> f : pending) {
            try {
                conns.add(f.get());
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            closeAll(conns);
            throw new IOException((count - conns.size()) + " of " + count + " dials to " + url + " failed", first);
        }
        return conns;
    }

    /**
     * Runs {@code task} {@code count} times, each on a thread of its own, at most {@code parallel} at
     * a time.
     *
     * @return their outcomes, all complete
     */
    static <T> List<Future<T>> run(int count, int parallel, Callable<T> task) throws InterruptedException {
        Semaphore permits = new Semaphore(parallel);
        List<Future<T>> done = new ArrayList<>(count);
        try (Threads ex = Threads.perTask()) {
            for (int i = 0; i < count; i++) {
                done.add(ex.submit(() -> {
                    permits.acquire();
                    try {
                        return task.call();
                    } finally {
                        permits.release();
                    }
                }));
            }
        }
        return done;
    }

    static void closeAll(List<Conn> conns) {
        for (Conn c : conns) {
            try {
                c.close();
            } catch (IOException | RuntimeException ignored) {
                // Ending the run: a connection the server already dropped is no news.
            }
        }
    }
}
