package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * This JVM's heap in use right after a full GC, for the fault tests' "heap back to its baseline"
 * check. The server and the test's peers share the JVM, so the tolerance covers both sides'
 * bounded caches (Tomcat keeps recycled processors and socket buffers), not per-connection growth.
 */
final class HeapBaseline {
    /** Growth allowed over the baseline. */
    static final long TOLERANCE = 4L << 20;

    private HeapBaseline() {
    }

    /** @return this JVM's open file descriptors ({@code /proc/self/fd}) */
    static int openFileDescriptors() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    /** Polls (at most 20 s) until this JVM's open descriptors are at most {@code baseline}; fails with the last count. */
    static void awaitFileDescriptorsBack(int baseline) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (openFileDescriptors() > baseline && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(openFileDescriptors()).as("open file descriptors").isLessThanOrEqualTo(baseline);
    }

    /** @return heap bytes in use after {@code System.gc()} (a full collection on G1 and Parallel) */
    static long usedAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Polls (GC each time, at most 20 s) until the heap after GC is within {@link #TOLERANCE} of
     * {@code baseline}; fails with the last value.
     */
    static void awaitBack(long baseline) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long used = usedAfterGc();
        while (used > baseline + TOLERANCE && System.nanoTime() < end) {
            Thread.sleep(200);
            used = usedAfterGc();
        }
        assertThat(used).as("heap after GC (baseline %d KiB, tolerance %d KiB)", baseline >> 10, TOLERANCE >> 10)
                .isLessThanOrEqualTo(baseline + TOLERANCE);
    }
}
