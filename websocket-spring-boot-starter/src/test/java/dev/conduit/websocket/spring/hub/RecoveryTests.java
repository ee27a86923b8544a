package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A recovering connection's live messages wait for the replay, and afterwards the messages the
 * replay already covered are skipped: each message once, in id order.
 */
class RecoveryTests {

    private static RelayedMessage m(int n) {
        return new RelayedMessage("1700000000000-" + n + ".0", "room", WebSocket.TEXT_MESSAGE, new byte[] {(byte) n});
    }

    @Test
    void liveMessagesWaitAndRepeatsAreSkipped() {
        Recovery recovery = new Recovery(100, 1 << 20);
        assertThat(recovery.hold(m(5))).isTrue();
        assertThat(recovery.hold(m(6))).isTrue();
        List<String> out = new ArrayList<>();
        recovery.complete(m(2).id(), List.of(m(3), m(4), m(5)), true, new Recovery.Sink() {
            @Override
            public void send(RelayedMessage message) {
                out.add(message.id());
            }

            @Override
            public void marker(boolean complete, int missed) {
                out.add("recovered " + complete + " " + missed);
            }

            @Override
            public void overflowed() {
                out.add("overflowed");
            }
        });
        assertThat(out).containsExactly(m(3).id(), m(4).id(), m(5).id(), "recovered true 3", m(6).id());
        // The reader may still deliver what the replay read ahead of it: skipped, then live again.
        assertThat(recovery.hold(m(6))).isTrue();
        assertThat(recovery.hold(m(7))).isFalse();
        assertThat(recovery.hold(m(8))).isFalse();
    }

    @Test
    void liveMessagesBeyondTheQueueBoundAreReported() {
        Recovery recovery = new Recovery(2, 1 << 20);
        for (int i = 3; i < 6; i++) {
            assertThat(recovery.hold(m(i))).isTrue();
        }
        List<String> out = new ArrayList<>();
        recovery.complete(m(2).id(), List.of(), true, new Recovery.Sink() {
            @Override
            public void send(RelayedMessage message) {
                out.add(message.id());
            }

            @Override
            public void marker(boolean complete, int missed) {
                out.add("recovered " + complete + " " + missed);
            }

            @Override
            public void overflowed() {
                out.add("overflowed");
            }
        });
        assertThat(out).containsExactly("recovered true 0", m(3).id(), m(4).id(), "overflowed");
    }

    @Test
    void idsCompareAsPositions() {
        assertThat(MessageIds.compare("1700-2.10", "1700-2.9")).isPositive();
        assertThat(MessageIds.compare("1700-10.0", "1700-9.5")).isPositive();
        assertThat(MessageIds.compare("1701-0.0", "1700-99.99")).isPositive();
        assertThat(MessageIds.parse("1700-2")).isNull();
        assertThat(MessageIds.parse("-1-2.3")).isNull();
        assertThat(MessageIds.parse("a-2.3")).isNull();
        assertThat(MessageIds.parse("1".repeat(65))).isNull();
    }
}
