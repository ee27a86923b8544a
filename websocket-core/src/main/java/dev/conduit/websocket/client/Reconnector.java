package dev.conduit.websocket.client;

import dev.conduit.websocket.BadHandshakeException;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Keeps a client connection open: dials with a {@link Dialer}, runs the handler's read loop on the
 * connection (gorilla style: one blocking loop per connection), and when the connection ends or the
 * dial fails, dials again after an exponential back-off with jitter ({@link Backoff}).
 *
 * <pre>{@code
 * Reconnector r = Reconnector.builder(dialer, URI.create("wss://example.com/feed"))
 *         .backoff(Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)))
 *         .start(conn -> {
 *             while (true) {
 *                 Message m = conn.readMessage();   // throws when the connection ends: redial
 *                 …
 *             }
 *         });
 * …
 * r.close();   // closes the connection (1000), stops retrying, joins the thread
 * }</pre>
 *
 * <ul>
 * <li>The first dial happens at once; each retry waits {@link Backoff#delay}. The attempt count
 * resets when a connection stayed open at least {@link Builder#resetAfter(Duration)} (default 10 s),
 * so a server that accepts and drops at once is still retried with growing delays.</li>
 * <li>It stops retrying, and reports the cause to {@link Listener#stopped}, when the
 * {@linkplain Builder#retryIf retry policy} says so (by default {@link #retryable(Throwable)}: a
 * handshake refused with a 4xx other than 408 and 429, a close code meaning the server will refuse
 * again — 1002, 1003, 1007, 1008 — or an invalid URL), or after
 * {@linkplain Builder#maxAttempts(int) max attempts} failures in a row.</li>
 * <li>A 429 or 503 refusal with {@code Retry-After} waits at least that long (at most the
 * back-off's max).</li>
 * <li>When the handler returns normally the connection is closed and dialed again; a handler that
 * wants to stop calls {@link #close()} (allowed from the handler's own thread).</li>
 * <li>The object owns one thread (by default a daemon platform thread named
 * {@code conduit-reconnect-<host>:<port>}, or {@code conduit-reconnect} for a URL supplier; pass
 * a virtual-thread factory on Java 21+).
 * {@link #close()} ends it.</li>
 * </ul>
 */
public final class Reconnector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconnector.class.getName());
    /** Longer than any close handshake; after it the thread is interrupted and the connection closed hard. */
    private static final Duration JOIN_GRACE = Duration.ofSeconds(5);

    /** The read loop of one connection. */
    @FunctionalInterface
    public interface ConnHandler {
        /**
         * Serves one connection until it ends; the reconnector closes it afterwards.
         *
         * @param conn the open connection
         * @throws Exception typically the {@link CloseException} that ended the read loop
         */
        void onConnect(Conn conn) throws Exception;
    }

    /** What happens, for logs and metrics; called on the reconnector's thread. */
    public interface Listener {
        /** @param conn a new connection, before the handler runs */
        default void connected(Conn conn) {
        }

        /**
         * @param cause why the dial failed or the connection ended ({@code null} if the handler returned)
         * @param attempt the number of this retry since the last stable connection, from 1
         * @param delay how long until the dial
         */
        default void retrying(Throwable cause, int attempt, Duration delay) {
        }

        /** @param cause why it gave up, or {@code null} when {@link #close()} stopped it */
        default void stopped(Throwable cause) {
        }
    }

    private final Dialer dialer;
    private final Supplier<URI> url;
    private final Supplier<Map<String, List<String>>> headers;
    private final Backoff backoff;
    private final Duration resetAfter;
    private final int maxAttempts;
    private final Predicate<Throwable> retryIf;
    private final Duration closeTimeout;
    private final RandomGenerator random;
    private final Listener listener;
    private final ConnHandler handler;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean closed;
    private Conn current;
    private volatile Throwable failure;

    private Reconnector(Builder b, ConnHandler handler) {
        this.dialer = b.dialer;
        this.url = b.url;
        this.headers = b.headers;
        this.backoff = b.backoff;
        this.resetAfter = b.resetAfter;
        this.maxAttempts = b.maxAttempts;
        this.retryIf = b.retryIf;
        this.closeTimeout = b.closeTimeout;
        this.random = b.random;
        this.listener = b.listener;
        this.handler = handler;
        ThreadFactory factory = b.threadFactory != null ? b.threadFactory : r -> {
            Thread t = new Thread(r, b.threadName);
            t.setDaemon(true);
            return t;
        };
        this.thread = factory.newThread(this::run);
    }

    /**
     * @param dialer the dialer of every connection
     * @param url the URL to dial
     * @return a builder
     */
    public static Builder builder(Dialer dialer, URI url) {
        Objects.requireNonNull(url, "url");
        return new Builder(dialer, () -> url, "conduit-reconnect-" + url.getHost() + ":" + url.getPort());
    }

    /**
     * @param dialer the dialer of every connection
     * @param url asked before each dial, for a URL that changes (such as {@code ?since=<last id>})
     * @return a builder
     */
    public static Builder builder(Dialer dialer, Supplier<URI> url) {
        return new Builder(dialer, url, "conduit-reconnect");
    }

    private void run() {
        int attempt = 0;
        Duration previous = Duration.ZERO;
        Throwable stopCause = null;
        URI target = null;
        try {
            while (true) {
                Throwable cause = null;
                Conn conn = null;
                try {
                    target = url.get();
                    conn = dialer.dial(target, headers.get());
                } catch (Exception e) {
                    cause = e;
                }
                if (conn != null) {
                    if (!publish(conn)) {
                        closeQuietly(conn);
                        return;
                    }
                    long connectedAt = System.nanoTime();
                    try {
                        listener.connected(conn);
                        handler.onConnect(conn);
                    } catch (Exception e) {
                        cause = e;
                    } finally {
                        publish(null);
                        closeQuietly(conn);
                    }
                    if (System.nanoTime() - connectedAt >= resetAfter.toNanos()) {
                        attempt = 0;
                        previous = Duration.ZERO;
                    }
                }
                if (isClosed()) {
                    return;
                }
                if (cause != null && !retryIf.test(cause)) {
                    stopCause = cause;
                    return;
                }
                if (maxAttempts > 0 && attempt >= maxAttempts) {
                    stopCause = cause != null ? cause : new IOException("websocket: gave up after " + maxAttempts + " attempts");
                    return;
                }
                Duration delay = backoff.delay(attempt, previous, random);
                Duration wait = RetryAfter.of(cause, Instant.now());
                if (wait != null && wait.compareTo(delay) > 0) {
                    delay = wait.compareTo(backoff.max()) > 0 ? backoff.max() : wait;
                }
                previous = delay;
                attempt++;
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, "websocket: reconnecting in " + delay
                            + (cause == null ? "" : " after " + cause));
                }
                listener.retrying(cause, attempt, delay);
                if (!sleep(delay)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            stopCause = e;
            throw e;
        } finally {
            failure = stopCause;
            if (stopCause != null) {
                LOG.log(System.Logger.Level.WARNING, "websocket: stopped reconnecting to " + target + ": " + stopCause, stopCause);
            }
            listener.stopped(stopCause);
        }
    }

    /** Sets the current connection unless closed; {@code false} when closed. */
    private boolean publish(Conn conn) {
        lock.lock();
        try {
            if (closed && conn != null) {
                return false;
            }
            current = conn;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code delay} unless closed meanwhile; {@code false} when closed. */
    private boolean sleep(Duration delay) {
        long nanos = delay.toNanos();
        lock.lock();
        try {
            while (!closed && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The default retry policy.
     *
     * @param cause why a dial failed or a connection ended
     * @return {@code false} for a handshake refused with a 4xx status other than 408 (timeout) and
     *         429 (too many requests); a close code saying the server would refuse again (1002
     *         protocol error, 1003 unsupported data, 1007 invalid payload, 1008 policy violation),
     *         found in the cause chain; an {@link IllegalArgumentException} (an invalid URL or
     *         header); {@code true} for everything else
     */
    public static boolean retryable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof BadHandshakeException bad) {
                int s = bad.status();
                return s < 400 || s > 499 || s == 408 || s == 429;
            }
            if (t instanceof CloseException close) {
                int code = close.code();
                return code != WebSocket.CLOSE_PROTOCOL_ERROR && code != WebSocket.CLOSE_UNSUPPORTED_DATA
                        && code != WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA && code != WebSocket.CLOSE_POLICY_VIOLATION;
            }
            if (t instanceof IllegalArgumentException) {
                return false;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return true;
    }

    /** @return whether the thread is still dialing, connected or waiting */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Waits for the reconnector to stop by itself (a cause the retry policy refuses, or max attempts).
     *
     * @param timeout how long to wait
     * @return {@code true} if it stopped
     * @throws InterruptedException if interrupted
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** @return why it gave up, or {@code null} while running or when {@link #close()} stopped it */
    public Throwable failure() {
        return failure;
    }

    /**
     * Stops: no further dial, the current connection gets a close message (1000) and up to the
     * {@linkplain Builder#closeTimeout close timeout} for the server's reply, and the thread is
     * joined. A dial under way finishes first (bounded by the dialer's handshake timeout); a handler
     * that ignores the connection's end is interrupted after a few more seconds. Idempotent; from the
     * handler's own thread it only stops, without joining.
     */
    @Override
    public void close() {
        Conn conn;
        lock.lock();
        try {
            closed = true;
            conn = current;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (conn != null) {
            try {
                conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", closeTimeout);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: closing the reconnector's connection", e);
            }
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(closeTimeout.plus(JOIN_GRACE).toMillis());
            if (thread.isAlive()) {
                if (conn != null) {
                    closeQuietly(conn);
                }
                thread.interrupt();
                thread.join(JOIN_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "websocket: the reconnector's thread " + thread.getName()
                    + " did not end within " + closeTimeout.plus(JOIN_GRACE).plus(JOIN_GRACE));
        }
    }

    private static void closeQuietly(Conn conn) {
        try {
            conn.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: closing a connection", e);
        }
    }

    /** Settings of a {@link Reconnector}; {@link #start} builds and starts it. */
    public static final class Builder {
        private final Dialer dialer;
        private final Supplier<URI> url;
        private Supplier<Map<String, List<String>>> headers = Map::of;
        private Backoff backoff = Backoff.DEFAULT;
        private Duration resetAfter = Duration.ofSeconds(10);
        private int maxAttempts;
        private Predicate<Throwable> retryIf = Reconnector::retryable;
        private Duration closeTimeout = Duration.ofSeconds(1);
        private RandomGenerator random = RandomGenerator.getDefault();
        private Listener listener = new Listener() {
        };
        private ThreadFactory threadFactory;
        private final String threadName;

        private Builder(Dialer dialer, Supplier<URI> url, String threadName) {
            this.dialer = Objects.requireNonNull(dialer, "dialer");
            this.url = Objects.requireNonNull(url, "url");
            this.threadName = threadName;
        }

        /**
         * @param headers the request headers of every dial
         * @return this
         */
        public Builder headers(Map<String, List<String>> headers) {
            Map<String, List<String>> copy = Map.copyOf(headers);
            this.headers = () -> copy;
            return this;
        }

        /**
         * @param headers asked before each dial (a fresh token, say)
         * @return this
         */
        public Builder headers(Supplier<Map<String, List<String>>> headers) {
            this.headers = Objects.requireNonNull(headers, "headers");
            return this;
        }

        /**
         * @param backoff the delay schedule; default {@link Backoff#DEFAULT}
         * @return this
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param resetAfter how long a connection must stay open to reset the attempt count; default 10 s
         * @return this
         */
        public Builder resetAfter(Duration resetAfter) {
            this.resetAfter = requireNonNegative(resetAfter, "resetAfter");
            return this;
        }

        /**
         * @param maxAttempts retries in a row before giving up; 0 (the default) for no limit
         * @return this
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 0) {
                throw new IllegalArgumentException("maxAttempts must be >= 0, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param retryIf whether to retry after a failed dial or a connection's end (the handler's
         *        exception); default {@link Reconnector#retryable(Throwable)}
         * @return this
         */
        public Builder retryIf(Predicate<Throwable> retryIf) {
            this.retryIf = Objects.requireNonNull(retryIf, "retryIf");
            return this;
        }

        /**
         * @param closeTimeout how long {@link #close()} waits for the server's close reply; default 1 s
         * @return this
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = requireNonNegative(closeTimeout, "closeTimeout");
            return this;
        }

        /**
         * @param random the source of jitter
         * @return this
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * @param listener told of each connection, retry and the stop
         * @return this
         */
        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param threadFactory makes the reconnector's one thread, such as
         *        {@code Thread.ofVirtual().name("feed").factory()} on Java 21+
         * @return this
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Starts dialing on the reconnector's thread.
         *
         * @param handler runs once per connection
         * @return the running reconnector; {@link #close()} it
         */
        public Reconnector start(ConnHandler handler) {
            Reconnector r = new Reconnector(this, Objects.requireNonNull(handler, "handler"));
            r.thread.start();
            return r;
        }

        private static Duration requireNonNegative(Duration d, String name) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be >= 0, got " + d);
            }
            return d;
        }
    }
}
