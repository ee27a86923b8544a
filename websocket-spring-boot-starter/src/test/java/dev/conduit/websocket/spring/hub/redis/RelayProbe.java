package dev.conduit.websocket.spring.hub.redis;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.hub.HubRelay;
import dev.conduit.websocket.spring.hub.RelayedMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A relay's receiving end for tests: what it delivers, as "topic:text" (binary as "topic:#n bytes"), in order. */
final class RelayProbe implements HubRelay.Receiver {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** The id of each message delivered with one ("topic:text" to id). */
    final Map<String, String> ids = new ConcurrentHashMap<>();
    private int probes;

    @Override
    public void deliver(String topic, int messageType, byte[] data) {
        received.add(messageType == WebSocket.TEXT_MESSAGE
                ? topic + ":" + new String(data, StandardCharsets.UTF_8)
                : topic + ":#" + data.length + " bytes");
    }

    @Override
    public void deliver(RelayedMessage message) {
        ids.put(message.topic() + ":" + new String(message.data(), StandardCharsets.UTF_8), message.id());
        deliver(message.topic(), message.messageType(), message.data());
    }

    /** @return the next delivered message, skipping probes; fails after 30 s */
    String next() throws InterruptedException {
        while (true) {
            String message = received.poll(30, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("nothing delivered within 30 s");
            }
            if (!message.startsWith("probe:")) {
                return message;
            }
        }
    }

    /** Publishes probes on {@code from} until one arrives here (the subscription stands), then drops them. */
    void awaitFlowing(HubRelay from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String probe = "p" + probes++;
            from.publish("probe", WebSocket.TEXT_MESSAGE, probe.getBytes(StandardCharsets.UTF_8));
            String got;
            while ((got = received.poll(200, TimeUnit.MILLISECONDS)) != null) {
                if (got.equals("probe:" + probe)) {
                    received.removeIf(m -> m.startsWith("probe:"));
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no message crossed between the relays within 60 s");
            }
        }
    }
}
