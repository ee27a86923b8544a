package dev.conduit.websocket.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Runs one fuzz input, measuring the bytes it made the code allocate (the JDK's per-thread
 * allocation counter) so tests can assert that nothing trusts a declared length, and watching for
 * hangs: a watchdog thread that sees one input run longer than {@link #HANG_SECONDS} prints the
 * stuck stack (to stderr and to {@code target/fuzz-hang-<pid>.txt}) and halts the test JVM (a spinning thread cannot be stopped; surefire then fails the
 * build with that stack in its dump). Inputs run on the calling thread: a hand-off to a worker per
 * input would halve the throughput of the million-input run.
 */
public final class FuzzRun {
    /**
     * Far above what any bounded input needs (microseconds); only a hang, or a machine that stopped
     * running this JVM for that long, reaches it. The report gives the thread's CPU time and state
     * to tell the two apart (a spin burns CPU, a stall or a deadlock does not).
     */
    static final long HANG_SECONDS = 60;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static volatile Thread running;
    private static volatile long startedNanos;

    static {
        Thread watchdog = new Thread(FuzzRun::watch, "fuzz-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private FuzzRun() {
    }

    /**
     * What one input did.
     *
     * @param value the result, {@code null} if it threw
     * @param thrown what it threw, {@code null} if it returned
     * @param allocatedBytes bytes allocated on the running thread meanwhile
     */
    public record Outcome<T>(T value, Throwable thrown, long allocatedBytes) {
    }

    /**
     * Runs a repeatable input, and runs it again if it allocated more than {@code bound}: the first
     * use of a code path also allocates for class loading and linkage, so only a second, warm run
     * that still exceeds the bound shows that the input itself makes the code allocate.
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
     */
    public static <T> Outcome<T> run(Callable<T> body) {
        startedNanos = System.nanoTime();
        running = Thread.currentThread();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            T v = body.call();
            return new Outcome<>(v, null, THREADS.getCurrentThreadAllocatedBytes() - before);
        } catch (Throwable t) {
            return new Outcome<>(null, t, THREADS.getCurrentThreadAllocatedBytes() - before);
        } finally {
            running = null;
        }
    }

    private static String allStacks() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            b.append(thread).append('\n');
            for (StackTraceElement e : stack) {
                b.append("\tat ").append(e).append('\n');
            }
        });
        return b.toString();
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            Thread t = running;
            if (t != null && System.nanoTime() - startedNanos > HANG_SECONDS * 1_000_000_000L) {
                String report = "FUZZ HANG: one input ran longer than " + HANG_SECONDS + "s; " + t + " ("
                        + t.getState() + ", " + THREADS.getThreadCpuTime(t.getId()) / 1_000_000 + " ms CPU in all) at:\n"
                        + Arrays.stream(t.getStackTrace()).map(s -> "\tat " + s).collect(Collectors.joining("\n"))
                        + "\n\nAll threads:\n" + allStacks();
                System.err.println(report);
                System.err.flush();
                // Surefire may lose a halted fork's stderr: keep the report where CI prints it from.
                try {
                    Path file = Path.of("target", "fuzz-hang-" + ProcessHandle.current().pid() + ".txt");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, report);
                } catch (IOException | RuntimeException ignored) {
                    // stderr already has it
                }
                Runtime.getRuntime().halt(3);
            }
        }
    }
}
