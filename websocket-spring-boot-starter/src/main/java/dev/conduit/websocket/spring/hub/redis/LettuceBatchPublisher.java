package dev.conduit.websocket.spring.hub.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisSystemException;

/**
 * Publishes (or appends to a stream) a batch on Lettuce's asynchronous API: the commands go out back to back on one
 * connection (in order) and the batch waits once for all replies, instead of one round trip each.
 * Only loaded when the native connection is Lettuce's.
 */
final class LettuceBatchPublisher {
    private LettuceBatchPublisher() {
    }

    static boolean accepts(Object nativeConnection) {
        return nativeConnection instanceof RedisClusterAsyncCommands<?, ?>;
    }

    @SuppressWarnings("unchecked")
    static void publish(Object nativeConnection, byte[] channel, List<byte[]> batch, Duration timeout) {
        RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
        List<RedisFuture<?>> replies = new ArrayList<>(batch.size());
        for (byte[] envelope : batch) {
            replies.add(commands.publish(channel, envelope));
        }
        await(replies, batch.size(), timeout);
    }

    /** Appends one entry (one field) to the stream, trimmed to about {@code maxLength} entries. */
    @SuppressWarnings("unchecked")
    static void append(Object nativeConnection, byte[] key, byte[] field, byte[] value, long maxLength, Duration timeout) {
        RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) nativeConnection;
        XAddArgs trim = XAddArgs.Builder.maxlen(maxLength).approximateTrimming();
        List<RedisFuture<?>> replies = new ArrayList<>(1);
        replies.add(commands.xadd(key, trim, field, value));
        await(replies, 1, timeout);
    }

    private static void await(List<RedisFuture<?>> replies, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (RedisFuture<?> reply : replies) {
                reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            // Cancelled commands still waiting in Lettuce's reconnect buffer are not sent later, so
            // what the publisher counts as lost matches what the others miss.
            replies.forEach(reply -> reply.cancel(false));
            throw new QueryTimeoutException("Redis did not confirm " + count + " commands within " + timeout, e);
        } catch (ExecutionException e) {
            throw new RedisSystemException("Writing to Redis failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisSystemException("Interrupted while writing to Redis", e);
        }
    }
}
