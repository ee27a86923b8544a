package dev.conduit.websocket.spring.hub;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that write the hub's messages. The code is compiled for Java 17, so virtual threads
 * are reached through a method handle when the runtime has them.
 */
public final class SenderExecutors {
    private SenderExecutors() {
    }

    /**
     * @return a virtual-thread-per-task executor on Java 21+, or {@code null} on older runtimes
     */
    public static ExecutorService virtualThreadsIfAvailable() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot create the virtual thread executor", e);
        }
    }

    /**
     * @param threads the pool size
     * @return a pool of daemon platform threads named {@code conduit-hub-sender-N}
     */
    public static ExecutorService platformPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "conduit-hub-sender-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        // Unbounded task queue: a connection has at most one task queued or running at a time.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /**
     * @param preferVirtual whether to use virtual threads when the runtime has them
     * @param platformThreads the pool size otherwise
     * @return the executor for the hub's senders
     */
    public static ExecutorService create(boolean preferVirtual, int platformThreads) {
        ExecutorService virtual = preferVirtual ? virtualThreadsIfAvailable() : null;
        return virtual != null ? virtual : platformPool(platformThreads);
    }
}
