package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Topics under {@link Hub#RESERVED_TOPIC_PREFIX} are the library's: applications cannot join or
 * broadcast to them, what the relay brings on them goes to their receiver, and
 * {@link Hub#relayReserved} hands to the relay only.
 */
class HubReservedTopicTests {
    private static final String TOPIC = Hub.RESERVED_TOPIC_PREFIX + "test";

    @Test
    void reservedTopicsGoToTheirReceiverAndNowhereElse() {
        List<String> published = new ArrayList<>();
        HubRelay.Receiver[] receiver = new HubRelay.Receiver[1];
        HubRelay relay = new HubRelay() {
            @Override
            public void start(Receiver r) {
                receiver[0] = r;
            }

            @Override
            public void publish(String topic, int messageType, byte[] data) {
                published.add(topic + "=" + new String(data));
            }

            @Override
            public void stop() {
            }

            @Override
            public long lostOnPublish() {
                return 0;
            }

            @Override
            public long lostOnReceive() {
                return 0;
            }
        };
        Hub hub = new Hub(4, SlowReceiverPolicy.DROP_MESSAGE, Duration.ofSeconds(1), Executors.newSingleThreadExecutor(), relay);
        try {
            assertThatThrownBy(() -> hub.broadcastText(TOPIC, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> hub.join(TOPIC, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> hub.relayReserved("plain", WebSocket.TEXT_MESSAGE, new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(hub.relayed()).isTrue();
            assertThat(hub.relayReserved(TOPIC, WebSocket.TEXT_MESSAGE, "out".getBytes())).isTrue();
            assertThat(published).containsExactly(TOPIC + "=out");
            assertThat(hub.stats().published()).isZero();

            List<String> received = new ArrayList<>();
            hub.receiveReserved(TOPIC, (topic, type, data) -> received.add(topic + "=" + new String(data)));
            receiver[0].deliver(TOPIC, WebSocket.TEXT_MESSAGE, "in".getBytes());
            receiver[0].deliver(new RelayedMessage("1-0", TOPIC, WebSocket.TEXT_MESSAGE, "positioned".getBytes()));
            receiver[0].deliver(Hub.RESERVED_TOPIC_PREFIX + "unknown", WebSocket.TEXT_MESSAGE, "dropped".getBytes());
            assertThat(received).containsExactly(TOPIC + "=in", TOPIC + "=positioned");
        } finally {
            hub.close();
        }
    }

    @Test
    void withoutARelayNothingIsRelayed() {
        Hub hub = new Hub(4, SlowReceiverPolicy.DROP_MESSAGE, Duration.ofSeconds(1), Executors.newSingleThreadExecutor(), null);
        try {
            assertThat(hub.relayed()).isFalse();
            assertThat(hub.relayReserved(TOPIC, WebSocket.TEXT_MESSAGE, new byte[0])).isFalse();
        } finally {
            hub.close();
        }
    }
}
