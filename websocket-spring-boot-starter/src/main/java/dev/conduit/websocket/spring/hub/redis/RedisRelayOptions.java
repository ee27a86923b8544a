package dev.conduit.websocket.spring.hub.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Redis relays ({@code conduit.websocket.hub.redis.*}).
 *
 * @param channel the pub/sub channel, or the stream's key, shared by every instance
 * @param publishQueueCapacity broadcasts waiting for Redis; beyond, the oldest are dropped and counted lost
 * @param publishQueueBytes bytes of envelopes waiting for Redis; beyond, the oldest are dropped and counted lost
 * @param publishTimeout how long a batch of commands waits for Redis's replies
 * @param maxEnvelopeBytes the largest envelope published or accepted (payload, topic and 62 bytes at most of header and signature)
 * @param secret the shared secret envelopes are signed with (HMAC-SHA256), or {@code null} for unsigned envelopes
 * @param instanceIdleTimeout how long the sequence number of a publishing instance is kept after its last message
 * @param maxInstances publishing instances tracked at once; beyond, the least recently heard is forgotten
 * @param streamMaxLength entries the stream keeps (trimmed approximately), in streams mode
 * @param recoveryWindow how far back a reconnecting client may recover missed messages (streams mode); zero turns
 *        recovery off, and with it message ids and the delivery of this instance's own broadcasts through the stream
 * @param recoveryMaxMessages messages of a topic one recovery read holds at most; a client that missed more gets
 *        what fits and {@code recovered:false}
 */
public record RedisRelayOptions(String channel, int publishQueueCapacity, long publishQueueBytes, Duration publishTimeout,
        int maxEnvelopeBytes, String secret, Duration instanceIdleTimeout, int maxInstances, long streamMaxLength,
        Duration recoveryWindow, int recoveryMaxMessages) {

    public RedisRelayOptions {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(instanceIdleTimeout, "instanceIdleTimeout");
        if (publishQueueCapacity < 1 || publishQueueBytes < 1 || maxEnvelopeBytes < 64 || maxInstances < 1 || streamMaxLength < 1) {
            throw new IllegalArgumentException("Redis relay limits must be positive (max-envelope-bytes at least 64): " + this);
        }
        Objects.requireNonNull(recoveryWindow, "recoveryWindow");
        if (recoveryWindow.isNegative() || recoveryMaxMessages < 1) {
            throw new IllegalArgumentException("recovery-window must not be negative, recovery-max-messages positive");
        }
        if (instanceIdleTimeout.isNegative() || instanceIdleTimeout.isZero()) {
            throw new IllegalArgumentException("instance-idle-timeout must be positive: " + instanceIdleTimeout);
        }
    }

    /** @return the defaults of {@code conduit.websocket.hub.redis.*} on the given channel */
    public static RedisRelayOptions defaults(String channel) {
        return new RedisRelayOptions(channel, 10_000, 64L * 1024 * 1024, Duration.ofSeconds(2), 16 * 1024 * 1024, null,
                Duration.ofMinutes(10), 10_000, 10_000, Duration.ofMinutes(2), 10_000);
    }

    public RedisRelayOptions withPublishQueue(int capacity, long bytes) {
        return new RedisRelayOptions(channel, capacity, bytes, publishTimeout, maxEnvelopeBytes, secret, instanceIdleTimeout,
                maxInstances, streamMaxLength, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withPublishTimeout(Duration timeout) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, timeout, maxEnvelopeBytes, secret,
                instanceIdleTimeout, maxInstances, streamMaxLength, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withMaxEnvelopeBytes(int bytes) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, publishTimeout, bytes, secret,
                instanceIdleTimeout, maxInstances, streamMaxLength, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withSecret(String newSecret) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, publishTimeout, maxEnvelopeBytes,
                newSecret, instanceIdleTimeout, maxInstances, streamMaxLength, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withInstanceTracking(Duration idleTimeout, int max) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, publishTimeout, maxEnvelopeBytes, secret,
                idleTimeout, max, streamMaxLength, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withStreamMaxLength(long entries) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, publishTimeout, maxEnvelopeBytes, secret,
                instanceIdleTimeout, maxInstances, entries, recoveryWindow, recoveryMaxMessages);
    }

    public RedisRelayOptions withRecovery(Duration window, int maxMessages) {
        return new RedisRelayOptions(channel, publishQueueCapacity, publishQueueBytes, publishTimeout, maxEnvelopeBytes, secret,
                instanceIdleTimeout, maxInstances, streamMaxLength, window, maxMessages);
    }

    byte[] secretBytes() {
        return secret == null || secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // Never the secret.
        return "RedisRelayOptions[channel=" + channel + ", publishQueueCapacity=" + publishQueueCapacity
                + ", publishQueueBytes=" + publishQueueBytes + ", maxEnvelopeBytes=" + maxEnvelopeBytes
                + ", signed=" + (secretBytes() != null) + ", maxInstances=" + maxInstances + ", streamMaxLength=" + streamMaxLength
                + ", recoveryWindow=" + recoveryWindow + ", recoveryMaxMessages=" + recoveryMaxMessages + "]";
    }
}
