package dev.conduit.websocket.spring.hub;

import java.time.Duration;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@link Hub}, under {@code conduit.websocket.hub}.
 */
@ConfigurationProperties(prefix = "conduit.websocket.hub")
public class HubProperties {

    /** Whether to register the Hub bean. */
    private boolean enabled = true;

    /** Messages queued for one connection before the slow-receiver policy applies. */
    private int queueCapacity = 256;

    /**
     * Payload bytes queued for one connection before the slow-receiver policy applies (a single larger
     * message still goes through an empty queue). Queued messages are shared between the connections of
     * a topic, so this bounds what one slow receiver holds on to, not a copy per connection.
     */
    private DataSize queueBytes = DataSize.ofMegabytes(8);

    /** What happens to a connection whose queue is full: close it (drop-connection) or skip the message for it (drop-message). */
    private SlowReceiverPolicy slowReceiverPolicy = SlowReceiverPolicy.DROP_CONNECTION;

    /** How long one write to one connection may take; a connection that takes longer is closed and dropped. */
    private Duration writeTimeout = Duration.ofSeconds(10);

    /**
     * Whether the senders run on virtual threads when the runtime has them (Java 21+); unset, as
     * spring.threads.virtual.enabled says. Otherwise a pool of sender-threads platform threads
     * writes to all connections.
     */
    private Boolean virtualThreads;

    /** Size of the sender pool when virtual threads are not used. A connection stuck in a write holds one for up to write-timeout. */
    private int senderThreads = 16;

    private final Redis redis = new Redis();

    /** Relaying broadcasts to other instances through Redis (needs Spring Data Redis). */
    public static class Redis {

        /** How broadcasts travel between instances through Redis. */
        public enum Mode {
            /** Redis pub/sub: at most once; what is sent while Redis or a subscriber is away is lost (and counted). */
            PUBSUB,
            /** A Redis stream: outages shorter than the stream's retention lose nothing. */
            STREAMS
        }

        /** Whether broadcasts go to every instance through Redis pub/sub (needs spring-boot-starter-data-redis). */
        private boolean enabled = false;

        /**
         * How broadcasts travel between instances: pubsub (Redis pub/sub: what is published while Redis or a
         * subscriber is away is lost, and counted) or streams (a Redis stream every instance appends to and reads
         * from its last entry: outages shorter than the retention lose nothing).
         */
        private Mode mode = Mode.PUBSUB;

        /**
         * Entries the stream keeps (streams mode; trimmed approximately with XADD MAXLEN ~): the retention. An entry is a
         * batch of one instance's broadcasts of at most 64 KB (or one larger broadcast), so Redis holds at most about this
         * many times 64 KB; a quiet topic writes one broadcast per entry.
         */
        private long streamMaxLength = 10000;

        /** The pub/sub channel (pubsub mode) or the stream's key (streams mode) shared by every instance of the application. */
        private String channel = "conduit:websocket:hub";

        /** Broadcasts waiting to be published to Redis; beyond, the oldest are dropped and counted lost (Redis down or slow). */
        private int publishQueueCapacity = 10000;

        /**
         * How long a batch of publishes waits for Redis's replies; past it the batch counts as lost.
         * The Lettuce command timeout (spring.data.redis.timeout) applies too.
         */
        private Duration publishTimeout = Duration.ofSeconds(2);

        /** Bytes of broadcasts waiting to be published to Redis; beyond, the oldest are dropped and counted lost. */
        private DataSize publishQueueBytes = DataSize.ofMegabytes(64);

        /**
         * The largest envelope (payload, topic and at most 62 bytes of header and signature) published or accepted;
         * larger ones are counted lost on publish and rejected on receive.
         */
        private DataSize maxEnvelopeSize = DataSize.ofMegabytes(16);

        /**
         * Shared secret for HMAC-SHA256 signatures on the envelopes. When set, every instance signs what it
         * publishes and rejects unsigned or wrongly signed envelopes, so that a client allowed only to publish
         * to the channel cannot inject messages. Every instance needs the same secret.
         */
        private String secret;

        /** How long the last sequence number of a publishing instance is kept after its last message (instances that left). */
        private Duration instanceIdleTimeout = Duration.ofMinutes(10);

        /** Publishing instances tracked at once; beyond, the least recently heard is forgotten. */
        private int maxInstances = 10000;

        /**
         * How far back a client reconnecting with the id of the last message it received recovers what it missed
         * (streams mode; Hub.join(topic, conn, lastSeenId)). With a window, every message has an id and each instance
         * delivers its own broadcasts through the stream too, so every client sees one order. 0 turns recovery off.
         */
        private Duration recoveryWindow = Duration.ofMinutes(2);

        /** Messages of a topic one recovery read holds at most; a client that missed more gets what fits and recovered:false. */
        private int recoveryMaxMessages = 10000;

        public Duration getRecoveryWindow() {
            return recoveryWindow;
        }

        public void setRecoveryWindow(Duration recoveryWindow) {
            this.recoveryWindow = recoveryWindow;
        }

        public int getRecoveryMaxMessages() {
            return recoveryMaxMessages;
        }

        public void setRecoveryMaxMessages(int recoveryMaxMessages) {
            this.recoveryMaxMessages = recoveryMaxMessages;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public long getStreamMaxLength() {
            return streamMaxLength;
        }

        public void setStreamMaxLength(long streamMaxLength) {
            this.streamMaxLength = streamMaxLength;
        }

        public DataSize getPublishQueueBytes() {
            return publishQueueBytes;
        }

        public void setPublishQueueBytes(DataSize publishQueueBytes) {
            this.publishQueueBytes = publishQueueBytes;
        }

        public DataSize getMaxEnvelopeSize() {
            return maxEnvelopeSize;
        }

        public void setMaxEnvelopeSize(DataSize maxEnvelopeSize) {
            this.maxEnvelopeSize = maxEnvelopeSize;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public Duration getInstanceIdleTimeout() {
            return instanceIdleTimeout;
        }

        public void setInstanceIdleTimeout(Duration instanceIdleTimeout) {
            this.instanceIdleTimeout = instanceIdleTimeout;
        }

        public int getMaxInstances() {
            return maxInstances;
        }

        public void setMaxInstances(int maxInstances) {
            this.maxInstances = maxInstances;
        }

        public Duration getPublishTimeout() {
            return publishTimeout;
        }

        public void setPublishTimeout(Duration publishTimeout) {
            this.publishTimeout = publishTimeout;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getChannel() {
            return channel;
        }

        public void setChannel(String channel) {
            this.channel = channel;
        }

        public int getPublishQueueCapacity() {
            return publishQueueCapacity;
        }

        public void setPublishQueueCapacity(int publishQueueCapacity) {
            this.publishQueueCapacity = publishQueueCapacity;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public DataSize getQueueBytes() {
        return queueBytes;
    }

    public void setQueueBytes(DataSize queueBytes) {
        this.queueBytes = queueBytes;
    }

    public SlowReceiverPolicy getSlowReceiverPolicy() {
        return slowReceiverPolicy;
    }

    public void setSlowReceiverPolicy(SlowReceiverPolicy slowReceiverPolicy) {
        this.slowReceiverPolicy = slowReceiverPolicy;
    }

    public Duration getWriteTimeout() {
        return writeTimeout;
    }

    public void setWriteTimeout(Duration writeTimeout) {
        this.writeTimeout = writeTimeout;
    }

    public Boolean getVirtualThreads() {
        return virtualThreads;
    }

    public void setVirtualThreads(Boolean virtualThreads) {
        this.virtualThreads = virtualThreads;
    }

    public int getSenderThreads() {
        return senderThreads;
    }

    public void setSenderThreads(int senderThreads) {
        this.senderThreads = senderThreads;
    }

    public Redis getRedis() {
        return redis;
    }
}
