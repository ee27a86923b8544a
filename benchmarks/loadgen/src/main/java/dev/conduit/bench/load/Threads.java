package dev.conduit.bench.load;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A thread per task: virtual threads when the JVM has them (run.sh runs the load generator on
 * Java 25), so thousands of blocking connections cost little; platform threads otherwise. Found
 * reflectively because the module compiles with {@code --release 17}.
 */
final class Threads implements AutoCloseable {
    private final ExecutorService executor;

    private Threads(ExecutorService executor) {
        this.executor = executor;
    }

    static boolean virtual() {
        return Runtime.version().feature() >= 21;
    }

    /** @return a scope whose {@link #close()} waits for every task submitted to it */
    static Threads perTask() {
        if (virtual()) {
            try {
                return new Threads((ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("virtual threads expected on Java " + Runtime.version(), e);
            }
        }
        return new Threads(Executors.newCachedThreadPool());
    }

    <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        // Every task of these loads ends once its connections are closed; this bounds a stuck one.
        if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
            executor.shutdownNow();
            throw new IllegalStateException("load tasks still running after 5 minutes");
        }
    }
}
