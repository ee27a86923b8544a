package dev.conduit.websocket.spring.hub.redis;

import io.lettuce.core.RedisFuture;
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
 * Publishes a batch on Lettuce's asynchronous API: the commands go out back to back on one
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
        List<RedisFuture<Long>> replies = new ArrayList<>(batch.size());
        for (byte[] envelope : batch) {
            replies.add(commands.publish(channel, envelope));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (RedisFuture<Long> reply : replies) {
                reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            // Cancelled commands still waiting in Lettuce's reconnect buffer are not sent later, so
            // what the publisher counts as lost matches what the others miss.
            replies.forEach(reply -> reply.cancel(false));
            throw new QueryTimeoutException("Redis did not confirm " + batch.size() + " publishes within " + timeout, e);
        } catch (ExecutionException e) {
            throw new RedisSystemException("Publishing to Redis failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisSystemException("Interrupted while publishing to Redis", e);
        }
    }
}
