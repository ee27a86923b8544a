package dev.conduit.websocket.testing;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Runs one fuzz input on a worker thread so that a hang is detected (a bounded wait, then the
 * worker's stack in the failure) and the bytes the input made the parser allocate are measured
 * (the JDK's per-thread allocation counter), so tests can assert that nothing trusts a declared
 * length.
 */
public final class FuzzRun {
    /** Far above what any bounded input needs; only a hang reaches it. */
    private static final long HANG_SECONDS = 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static volatile Thread workerThread;
    private static volatile ExecutorService worker = newWorker();

    private FuzzRun() {
    }

    /**
     * What one input did.
     *
     * @param value the result, {@code null} if it threw
     * @param thrown what it threw, {@code null} if it returned
     * @param allocatedBytes bytes allocated on the worker thread while it ran
     */
    public record Outcome<T>(T value, Throwable thrown, long allocatedBytes) {
    }

    /**
     * Runs a repeatable input, and runs it again if it allocated more than {@code bound}: the first
     * use of a code path also allocates for class loading and linkage, so only a second, warm run
     * that still exceeds the bound shows that the input itself makes the parser allocate.
     *
     * @param body the code under test; must build its own input state, so it can run twice
     * @param bound the allocation a bounded parser stays below
     * @return what it did (on the second run if there was one)
     */
    public static <T> Outcome<T> run(Callable<T> body, long bound) {
        Outcome<T> first = run(body);
        return first.allocatedBytes() <= bound ? first : run(body);
    }

    /**
     * @param body the code under test
     * @return what it did
     * @throws AssertionError if it did not finish in time (a hang)
     */
    public static <T> Outcome<T> run(Callable<T> body) {
        Future<Outcome<T>> f = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                T v = body.call();
                return new Outcome<>(v, null, THREADS.getCurrentThreadAllocatedBytes() - before);
            } catch (Throwable t) {
                return new Outcome<>(null, t, THREADS.getCurrentThreadAllocatedBytes() - before);
            }
        });
        try {
            return f.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            Thread stuck = workerThread;
            String stack = stuck == null ? "?" : Arrays.stream(stuck.getStackTrace())
                    .map(s -> "\tat " + s).collect(Collectors.joining("\n"));
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon: the next input gets a fresh one
            throw new AssertionError("input did not finish within " + HANG_SECONDS + "s (hang); worker at:\n" + stack);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
    }
}
