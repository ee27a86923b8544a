package dev.conduit.example.soak;

/**
 * What the server process holds at one moment, read from outside the process.
 *
 * @param threads its platform threads ({@code /proc/PID/status}; virtual threads are not OS threads)
 * @param fds its open file descriptors ({@code /proc/PID/fd})
 * @param heapBytes heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info})
 */
record ResourceUse(int threads, int fds, long heapBytes) {

    /**
     * @param baseline the use before the load
     * @param tolerance the growth allowed on each count
     * @return whether every count is within its tolerance of the baseline
     */
    boolean within(ResourceUse baseline, ResourceUse tolerance) {
        return threads <= baseline.threads + tolerance.threads && fds <= baseline.fds + tolerance.fds
                && heapBytes <= baseline.heapBytes + tolerance.heapBytes;
    }

    @Override
    public String toString() {
        return threads + " threads, " + fds + " fds, " + (heapBytes / 1024) + " KiB heap after GC";
    }
}
