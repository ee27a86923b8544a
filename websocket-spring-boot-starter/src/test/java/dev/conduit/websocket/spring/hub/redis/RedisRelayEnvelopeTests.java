package dev.conduit.websocket.spring.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.hub.RelayRejection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Hostile and broken envelopes written to the pub/sub channel of a real redis-server with
 * {@code redis-cli}: each is refused and counted by reason, one WARN is logged for all of them,
 * and the relay keeps delivering the good messages around them, in order. With a shared secret,
 * unsigned and forged envelopes are refused too. Also: the per-instance sequence tracking stays
 * bounded (instances that left are forgotten).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class RedisRelayEnvelopeTests {
    private static final int MAX_ENVELOPE = 4096;
    private RedisServer redis;
    private LettuceConnectionFactory factory;
    private final List<RedisHubRelay> relays = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        redis = RedisServer.start();
        factory = redis.connectionFactory();
    }

    @AfterAll
    void stop() throws Exception {
        relays.forEach(RedisHubRelay::stop);
        if (factory != null) {
            factory.destroy();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RedisHubRelay relay(RedisRelayOptions options, RelayProbe probe) {
        return relay(options, probe, System::nanoTime);
    }

    private RedisHubRelay relay(RedisRelayOptions options, RelayProbe probe, java.util.function.LongSupplier clock) {
        RedisHubRelay relay = new RedisHubRelay(factory, options, clock);
        relays.add(relay);
        relay.start(probe);
        return relay;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A well-formed version 2 header up to the topic length, for hand-made envelopes. */
    private static ByteBuffer header(ByteBuffer buffer, int flags, long sequence, int type) {
        UUID instance = UUID.randomUUID();
        return buffer.put(EnvelopeCodec.VERSION).put((byte) flags)
                .putLong(instance.getMostSignificantBits()).putLong(instance.getLeastSignificantBits())
                .putLong(sequence).put((byte) type);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    @Test
    void malformedEnvelopesAreCountedLoggedOnceAndHarmNothing(CapturedOutput output) throws Exception {
        String channel = "hub:malformed";
        RedisRelayOptions options = RedisRelayOptions.defaults(channel).withMaxEnvelopeBytes(MAX_ENVELOPE);
        RelayProbe atA = new RelayProbe();
        RelayProbe atB = new RelayProbe();
        RedisHubRelay a = relay(options, atA);
        RedisHubRelay b = relay(options, atB);
        atB.awaitFlowing(a);
        a.publish("room", WebSocket.TEXT_MESSAGE, text("before"));
        assertThat(atB.next()).isEqualTo("room:before");

        List<byte[]> hostile = new ArrayList<>();
        // Version 1's layout with a topic length claiming 2 GiB: refused before anything is allocated.
        hostile.add(ByteBuffer.allocate(40).put((byte) 1).putLong(1).putLong(2).putLong(3).put((byte) 1).putInt(Integer.MAX_VALUE - 8).array());
        // Version 2, type 8 (a close frame to every subscriber).
        ByteBuffer close = header(ByteBuffer.allocate(64), 0, 1, WebSocket.CLOSE_MESSAGE);
        hostile.add(bytes(close.putShort((short) 4).put(text("room")).putInt(2).put(new byte[] {3, (byte) 0xe8})));
        // Topic length beyond the envelope.
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 1, WebSocket.TEXT_MESSAGE).putShort((short) 1000).put(text("room")).putInt(0)));
        // Topic length over the limit.
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 1, WebSocket.TEXT_MESSAGE).putShort((short) 65535).putInt(0)));
        // Payload length claiming 2 GiB.
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 1, WebSocket.TEXT_MESSAGE).putShort((short) 4).put(text("room"))
                .putInt(Integer.MAX_VALUE).put(text("x"))));
        // Negative payload length.
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 1, WebSocket.TEXT_MESSAGE).putShort((short) 4).put(text("room")).putInt(-1)));
        // Unknown flags, a zero sequence, a topic that is not UTF-8, a cut-off header, garbage text.
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0x40, 1, WebSocket.TEXT_MESSAGE).putShort((short) 0).putInt(0)));
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 0, WebSocket.TEXT_MESSAGE).putShort((short) 0).putInt(0)));
        hostile.add(bytes(header(ByteBuffer.allocate(64), 0, 1, WebSocket.TEXT_MESSAGE).putShort((short) 2).put(new byte[] {(byte) 0xc3, 0x28}).putInt(0)));
        hostile.add(new byte[] {EnvelopeCodec.VERSION, 0, 1, 2});
        hostile.add(text("hello, hub"));
        // Larger than the relay accepts.
        byte[] huge = new byte[MAX_ENVELOPE + 1];
        huge[0] = EnvelopeCodec.VERSION;
        hostile.add(huge);
        for (byte[] envelope : hostile) {
            redis.cli(envelope, "PUBLISH", channel);
            // Good messages keep flowing between the bad ones.
            a.publish("room", WebSocket.TEXT_MESSAGE, text("between"));
        }
        a.publish("room", WebSocket.BINARY_MESSAGE, new byte[] {1, 2, 3});
        a.publish("room", WebSocket.TEXT_MESSAGE, text("after"));
        for (int i = 0; i < hostile.size(); i++) {
            assertThat(atB.next()).isEqualTo("room:between");
        }
        assertThat(atB.next()).isEqualTo("room:#3 bytes");
        assertThat(atB.next()).isEqualTo("room:after");
        assertThat(atB.received).isEmpty();

        // redis-cli -x adds no newline to binary input; the garbage text counts as version 'h'.
        assertThat(b.rejected(RelayRejection.VERSION)).isEqualTo(2);
        assertThat(b.rejected(RelayRejection.TYPE)).isEqualTo(1);
        assertThat(b.rejected(RelayRejection.TOO_LARGE)).isEqualTo(2);
        assertThat(b.rejected(RelayRejection.MALFORMED)).isEqualTo(7);
        assertThat(b.lostOnReceive()).isZero();
        // A sees the same envelopes; both log one WARN each, not one per envelope.
        assertThat(output.getOut().split("Hub relay: rejected a message on channel " + channel, -1)).hasSize(3);
    }

    @Test
    void withASecretUnsignedAndForgedEnvelopesAreRejected() throws Exception {
        String channel = "hub:signed";
        RedisRelayOptions signed = RedisRelayOptions.defaults(channel).withSecret("correct horse battery staple");
        RelayProbe atA = new RelayProbe();
        RelayProbe atB = new RelayProbe();
        RedisHubRelay a = relay(signed, atA);
        RedisHubRelay b = relay(signed, atB);
        RedisHubRelay unsigned = relay(RedisRelayOptions.defaults(channel), new RelayProbe());
        RedisHubRelay otherSecret = relay(signed.withSecret("another secret"), new RelayProbe());
        atB.awaitFlowing(a);

        unsigned.publish("room", WebSocket.TEXT_MESSAGE, text("injected without a signature"));
        otherSecret.publish("room", WebSocket.TEXT_MESSAGE, text("injected with the wrong key"));
        // A signed envelope from an instance with the right key, one payload byte changed on the way.
        EnvelopeCodec codec = new EnvelopeCodec(MAX_ENVELOPE, text("correct horse battery staple"));
        byte[] genuine = codec.encode(new RelayEnvelope(UUID.randomUUID(), 1, WebSocket.TEXT_MESSAGE, "room", text("pay 10")));
        byte[] tampered = genuine.clone();
        tampered[tampered.length - 33] = '9';
        redis.cli(tampered, "PUBLISH", channel);
        // The same envelope as signed is accepted.
        redis.cli(genuine, "PUBLISH", channel);
        a.publish("room", WebSocket.TEXT_MESSAGE, text("signed"));

        assertThat(atB.next()).isEqualTo("room:pay 10");
        assertThat(atB.next()).isEqualTo("room:signed");
        assertThat(b.rejected(RelayRejection.UNSIGNED)).isEqualTo(1);
        assertThat(b.rejected(RelayRejection.BAD_SIGNATURE)).isEqualTo(2);
        assertThat(atB.received).isEmpty();
        // An instance without a secret still reads signed envelopes (it cannot check them).
        assertThat(unsigned.rejected(RelayRejection.BAD_SIGNATURE)).isZero();
    }

    @Test
    void sequenceTrackingForgetsInstancesThatLeft() throws Exception {
        String channel = "hub:tracking";
        AtomicLong clock = new AtomicLong();
        RelayProbe atB = new RelayProbe();
        RedisHubRelay b = relay(RedisRelayOptions.defaults(channel).withInstanceTracking(Duration.ofMinutes(10), 3), atB, clock::get);
        EnvelopeCodec codec = new EnvelopeCodec(MAX_ENVELOPE, null);
        RedisHubRelay first = relay(RedisRelayOptions.defaults(channel), new RelayProbe());
        atB.awaitFlowing(first);
        for (int i = 0; i < 2; i++) {
            redis.cli(codec.encode(new RelayEnvelope(UUID.randomUUID(), 1, WebSocket.TEXT_MESSAGE, "room", text("left-" + i))),
                    "PUBLISH", channel);
        }
        assertThat(atB.next()).isEqualTo("room:left-0");
        assertThat(atB.next()).isEqualTo("room:left-1");
        assertThat(b.trackedInstances()).isEqualTo(3);

        // A fourth instance while three are tracked: the least recently heard goes.
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        UUID stays = UUID.randomUUID();
        redis.cli(codec.encode(new RelayEnvelope(stays, 1, WebSocket.TEXT_MESSAGE, "room", text("new"))), "PUBLISH", channel);
        assertThat(atB.next()).isEqualTo("room:new");
        assertThat(b.trackedInstances()).isEqualTo(3);

        // Ten minutes later, only the instance still talking is tracked.
        clock.addAndGet(TimeUnit.MINUTES.toNanos(10));
        redis.cli(codec.encode(new RelayEnvelope(stays, 2, WebSocket.TEXT_MESSAGE, "room", text("still here"))), "PUBLISH", channel);
        assertThat(atB.next()).isEqualTo("room:still here");
        assertThat(b.trackedInstances()).isEqualTo(1);
        // Its sequence is still checked: a repeat is dropped, a gap counted.
        redis.cli(codec.encode(new RelayEnvelope(stays, 2, WebSocket.TEXT_MESSAGE, "room", text("repeat"))), "PUBLISH", channel);
        redis.cli(codec.encode(new RelayEnvelope(stays, 5, WebSocket.TEXT_MESSAGE, "room", text("after a gap"))), "PUBLISH", channel);
        assertThat(atB.next()).isEqualTo("room:after a gap");
        assertThat(b.lostOnReceive()).isEqualTo(2);
    }
}
