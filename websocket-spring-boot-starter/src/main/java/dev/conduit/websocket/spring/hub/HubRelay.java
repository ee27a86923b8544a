package dev.conduit.websocket.spring.hub;

/**
 * Carries a {@link Hub}'s broadcasts to the hubs of other instances. The hub delivers its own
 * broadcasts to its own connections directly and hands them to the relay; the relay delivers what
 * other instances published, never this instance's own messages (each is delivered exactly once).
 */
public interface HubRelay {

    /** Receives the messages other instances published. */
    @FunctionalInterface
    interface Receiver {
        /**
         * @param topic the topic
         * @param messageType text or binary
         * @param data the payload
         */
        void deliver(String topic, int messageType, byte[] data);

        /**
         * A message with its position, from a relay that has them ({@link #deliversOwnMessages()}).
         *
         * @param message the message
         */
        default void deliver(RelayedMessage message) {
            deliver(message.topic(), message.messageType(), message.data());
        }
    }

    /** The answer to {@link #recover}. */
    @FunctionalInterface
    interface RecoveryCallback {
        /**
         * @param missed the topic's messages after the given id, in order, up to the relay's position when it read them
         * @param complete false when some of them may be missing: the id is older than the recovery window, trimmed
         *        away, unknown, or more than the relay reads at once followed it
         */
        void recovered(java.util.List<RelayedMessage> missed, boolean complete);
    }

    /**
     * @return true when the relay gives every message a position and delivers this instance's own
     *         broadcasts too (the hub then leaves local delivery to it, so every instance delivers in one
     *         order)
     */
    default boolean deliversOwnMessages() {
        return false;
    }

    /**
     * Reads the messages of a topic after an id, for a client that reconnects; answers on another
     * thread. Relays without positions answer at once with nothing and {@code complete=false}.
     *
     * @param topic the topic
     * @param afterId the last id the client received
     * @param callback the answer
     */
    default void recover(String topic, String afterId, RecoveryCallback callback) {
        callback.recovered(java.util.List.of(), false);
    }

    /**
     * Starts relaying.
     *
     * @param receiver where messages from other instances go, in each publisher's order
     */
    void start(Receiver receiver);

    /**
     * Hands a message to the other instances without blocking the caller; calls from one thread
     * keep their order.
     *
     * @param topic the topic
     * @param messageType text or binary
     * @param data the payload (the relay may keep it; the caller must not modify it)
     */
    void publish(String topic, int messageType, byte[] data);

    /** Stops relaying and releases threads and connections; later calls do nothing. */
    void stop();

    /** @return messages this instance could not hand to the other instances (the relay was down or full) */
    long lostOnPublish();

    /** @return messages of other instances this instance did not receive (gaps in their sequence numbers) */
    long lostOnReceive();

    /**
     * @param reason why
     * @return messages from the shared channel or stream refused for that reason since start
     */
    default long rejected(RelayRejection reason) {
        return 0;
    }

    /** @return bytes of broadcasts waiting to be handed to the other instances */
    default long outboxBytes() {
        return 0;
    }
}
