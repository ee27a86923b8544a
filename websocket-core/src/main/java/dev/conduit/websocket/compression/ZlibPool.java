package dev.conduit.websocket.compression;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Idle raw-DEFLATE {@link Deflater}s and {@link Inflater}s shared by all connections for the
 * directions without context takeover, where the zlib state is needed only while one message is
 * compressed or decompressed. A connection borrows one for a message and gives it back reset, so
 * 10,000 mostly idle connections hold no zlib memory (a Deflater with a 15-bit window holds about
 * 256 KiB of native memory, an Inflater about 40 KiB). At most {@code maxIdle} of each are kept;
 * any returned beyond that are {@code end()}ed at once, so native memory never piles up.
 */
final class ZlibPool {
    /** Enough idle objects for the threads that compress at the same moment on a small machine. */
    static final int DEFAULT_MAX_IDLE = 4 * Runtime.getRuntime().availableProcessors();

    private static final ZlibPool SHARED = new ZlibPool(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true),
            () -> new Inflater(true), DEFAULT_MAX_IDLE);

    private final Supplier<Deflater> newDeflater;
    private final Supplier<Inflater> newInflater;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Deflater> deflaters = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<Inflater> inflaters = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleDeflaters = new AtomicInteger();
    private final AtomicInteger idleInflaters = new AtomicInteger();

    /**
     * @param newDeflater makes a raw ({@code nowrap}) deflater
     * @param newInflater makes a raw ({@code nowrap}) inflater
     * @param maxIdle how many of each to keep
     */
    ZlibPool(Supplier<Deflater> newDeflater, Supplier<Inflater> newInflater, int maxIdle) {
        this.newDeflater = Objects.requireNonNull(newDeflater);
        this.newInflater = Objects.requireNonNull(newInflater);
        this.maxIdle = maxIdle;
    }

    static ZlibPool shared() {
        return SHARED;
    }

    /** @return an idle (reset) or new deflater, the caller's alone until {@link #release(Deflater)} */
    Deflater borrowDeflater() {
        Deflater d = deflaters.pollFirst();
        if (d == null) {
            return newDeflater.get();
        }
        idleDeflaters.decrementAndGet();
        return d;
    }

    /** @return an idle (reset) or new inflater, the caller's alone until {@link #release(Inflater)} */
    Inflater borrowInflater() {
        Inflater i = inflaters.pollFirst();
        if (i == null) {
            return newInflater.get();
        }
        idleInflaters.decrementAndGet();
        return i;
    }

    /** @return a new deflater that a connection keeps (context takeover) and ends itself */
    Deflater createDeflater() {
        return newDeflater.get();
    }

    /** @return a new inflater that a connection keeps (context takeover) and ends itself */
    Inflater createInflater() {
        return newInflater.get();
    }

    /** Gives a deflater back: reset and kept, or ended when enough are idle. */
    void release(Deflater d) {
        if (idleDeflaters.incrementAndGet() <= maxIdle) {
            d.reset();
            deflaters.addFirst(d);
        } else {
            idleDeflaters.decrementAndGet();
            d.end();
        }
    }

    /** Gives an inflater back: reset and kept, or ended when enough are idle. */
    void release(Inflater i) {
        if (idleInflaters.incrementAndGet() <= maxIdle) {
            i.reset();
            inflaters.addFirst(i);
        } else {
            idleInflaters.decrementAndGet();
            i.end();
        }
    }

    /** Ends every idle object (tests; the shared pool lives as long as the JVM). */
    void clear() {
        for (Deflater d; (d = deflaters.pollFirst()) != null;) {
            idleDeflaters.decrementAndGet();
            d.end();
        }
        for (Inflater i; (i = inflaters.pollFirst()) != null;) {
            idleInflaters.decrementAndGet();
            i.end();
        }
    }

    /** @return idle deflaters (tests) */
    int idleDeflaters() {
        return idleDeflaters.get();
    }

    /** @return idle inflaters (tests) */
    int idleInflaters() {
        return idleInflaters.get();
    }
}
