package dev.conduit.websocket.spring.hub.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Relays hub broadcasts through one Redis pub/sub channel. Publishing is done by one thread from a
 * bounded queue (so the broadcaster never waits for Redis and each instance's messages stay in
 * order, sent in batches without waiting for each reply); receiving goes through Spring Data Redis's listener container on a
 * single dispatch thread (so order is kept), which re-subscribes when Redis comes back.
 *
 * <p>Redis pub/sub delivers only to subscribers connected at the time: what is published while Redis
 * or a subscription is down is lost. Each envelope carries its instance and a sequence number, so
 * the loss is counted on both sides and logged at WARN once per outage; the receiver also drops its
 * own instance's echo, because the hub delivered those messages locally already.
 *
 * <p>Envelopes read from the channel are untrusted ({@link EnvelopeCodec}): a malformed, oversized,
 * forged or non-text/binary one is counted by reason, logged at WARN at most once a minute and
 * dropped, without touching the messages around it. The outbox is bounded by count and bytes and
 * drops its oldest envelopes when full ({@link Outbox}).
 */
public class RedisHubRelay extends AbstractRedisHubRelay {
    private static final Logger log = LoggerFactory.getLogger(RedisHubRelay.class);
    private static final int PIPELINE_BATCH = 256;

    private final RedisConnectionFactory connectionFactory;
    private final byte[] channel;
    private final String channelName;
    private final Duration publishTimeout;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile Thread publisher;
    private RedisMessageListenerContainer container;
    private ExecutorService dispatcher;
    // Outage bookkeeping, touched only by the publisher thread.
    private long outageStartedNanos;
    private long lostAtOutageStart;
    private boolean down;

    /**
     * @param connectionFactory the application's Redis connection factory (Lettuce reconnects by itself)
     * @param channelName the pub/sub channel shared by every instance
     * @param publishQueueCapacity broadcasts waiting for Redis before further ones are counted lost
     * @param publishTimeout how long a batch of publishes waits for Redis's replies before it counts as lost
     */
    public RedisHubRelay(RedisConnectionFactory connectionFactory, String channelName, int publishQueueCapacity,
            Duration publishTimeout) {
        this(connectionFactory, RedisRelayOptions.defaults(channelName)
                .withPublishQueue(publishQueueCapacity, RedisRelayOptions.defaults(channelName).publishQueueBytes())
                .withPublishTimeout(publishTimeout));
    }

    /**
     * @param connectionFactory the application's Redis connection factory (Lettuce reconnects by itself)
     * @param options the settings
     */
    public RedisHubRelay(RedisConnectionFactory connectionFactory, RedisRelayOptions options) {
        this(connectionFactory, options, System::nanoTime);
    }

    RedisHubRelay(RedisConnectionFactory connectionFactory, RedisRelayOptions options, LongSupplier nanoClock) {
        super(options, "channel " + options.channel(), nanoClock);
        this.connectionFactory = connectionFactory;
        this.publishTimeout = options.publishTimeout();
        this.channelName = options.channel();
        this.channel = channelName.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start(Receiver receiver) {
        dispatcher = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "conduit-hub-redis-receiver");
            thread.setDaemon(true);
            return thread;
        });
        container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory);
        // One dispatch thread: the default executor runs each message on its own thread and loses the order.
        container.setTaskExecutor(dispatcher::execute);
        container.setRecoveryInterval(1000);
        container.addMessageListener((Message message, byte[] pattern) -> receive(message.getBody(), receiver),
                new ChannelTopic(channelName));
        container.afterPropertiesSet();
        container.start();
        Thread thread = new Thread(this::publishLoop, "conduit-hub-redis-publisher");
        thread.setDaemon(true);
        publisher = thread;
        thread.start();
    }

    private void publishLoop() {
        List<byte[]> batch = new ArrayList<>(PIPELINE_BATCH);
        while (publisher == Thread.currentThread()) {
            try {
                if (!outbox.drainTo(batch, PIPELINE_BATCH, 1, TimeUnit.SECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                send(batch);
                recovered();
            } catch (RuntimeException e) {
                lostOnPublish.addAndGet(batch.size());
                failed(e);
            }
            batch.clear();
        }
    }

    private void send(List<byte[]> batch) {
        try (RedisConnection connection = connectionFactory.getConnection()) {
            Object nativeConnection = LETTUCE ? connection.getNativeConnection() : null;
            if (nativeConnection != null && LettuceBatchPublisher.accepts(nativeConnection)) {
                LettuceBatchPublisher.publish(nativeConnection, channel, batch, publishTimeout);
                return;
            }
            // Other clients (Jedis): one round trip per message.
            for (byte[] envelope : batch) {
                connection.publish(channel, envelope);
            }
        }
    }

    private void failed(RuntimeException e) {
        if (!down) {
            down = true;
            outageStartedNanos = System.nanoTime();
            lostAtOutageStart = lostOnPublish.get();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.warn("Hub relay: publishing to Redis failed ({}); broadcasts reach only this instance's connections until Redis is back",
                    cause.toString());
            log.debug("Hub relay: publish failure", e);
        }
    }

    private void recovered() {
        if (down) {
            down = false;
            long lost = lostOnPublish.get() - lostAtOutageStart;
            log.warn("Hub relay: Redis is back after {} ms; {} broadcasts of this instance did not reach the other instances",
                    Duration.ofNanos(System.nanoTime() - outageStartedNanos).toMillis(), lost);
        }
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        Thread thread = publisher;
        publisher = null;
        if (thread != null) {
            thread.interrupt();
        }
        if (container != null) {
            try {
                container.stop();
                container.destroy();
            } catch (Exception e) {
                log.debug("Hub relay: stopping the listener container failed: {}", e.toString());
            }
        }
        if (dispatcher != null) {
            dispatcher.shutdownNow();
        }
    }
}
