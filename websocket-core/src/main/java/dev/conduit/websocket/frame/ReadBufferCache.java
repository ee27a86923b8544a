package dev.conduit.websocket.frame;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Full-size read buffers that {@link FrameReader}s gave up on going idle, kept for the next burst
 * of any connection. A request-and-response connection goes idle after every message, and a new
 * 4 KiB array per message would turn the idle-memory saving into allocation work (the JMH frame
 * decode of 16 KiB frames, whose source runs dry after each frame, showed it). Bounded: at most
 * {@value #SLOTS} buffers wait here, whatever the number of connections; a buffer that finds no free
 * slot is left to the garbage collector, and a reader that finds none allocates.
 */
final class ReadBufferCache {
    static final int SLOTS = 64;
    /** Slots tried per call, from a random start: enough to find one under contention, cheap when all are empty. */
    private static final int PROBES = 4;
    private static final AtomicReferenceArray<byte[]> CACHE = new AtomicReferenceArray<>(SLOTS);

    private ReadBufferCache() {
    }

    /** @return a buffer of exactly {@code size} bytes (contents undefined) */
    static byte[] take(int size) {
        int start = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            byte[] b = CACHE.get(slot);
            if (b != null && b.length == size && CACHE.compareAndSet(slot, b, null)) {
                return b;
            }
        }
        return new byte[size];
    }

    /** Offers a buffer the caller no longer uses. */
    static void give(byte[] buffer) {
        int start = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < PROBES; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (CACHE.get(slot) == null && CACHE.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }
}
