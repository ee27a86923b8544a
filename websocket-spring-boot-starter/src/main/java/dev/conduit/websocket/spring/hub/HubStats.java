package dev.conduit.websocket.spring.hub;

/**
 * Counts of a {@link Hub} since it started.
 *
 * @param published broadcasts made on this instance
 * @param delivered messages written to this instance's connections
 * @param droppedMessages messages not written to a connection: its queue was full
 *        ({@link SlowReceiverPolicy#DROP_MESSAGE}) or the connection was dropped with them queued
 * @param droppedConnections connections closed by the hub: a failed write, or a full queue under
 *        {@link SlowReceiverPolicy#DROP_CONNECTION}
 * @param relayLostOnPublish broadcasts of this instance the relay could not pass on (Redis down)
 * @param relayLostOnReceive broadcasts of other instances this instance missed (Redis down)
 */
public record HubStats(long published, long delivered, long droppedMessages, long droppedConnections,
        long relayLostOnPublish, long relayLostOnReceive) {
}
