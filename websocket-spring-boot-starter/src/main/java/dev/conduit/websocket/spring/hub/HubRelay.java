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
