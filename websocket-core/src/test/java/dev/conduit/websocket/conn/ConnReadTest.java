package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.frame.FrameEncoder;
import dev.conduit.websocket.frame.Masking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server-side Conn reading frames a raw socket writes by hand: every rule of RFC 6455 §5 and §8. */
class ConnReadTest {
    private static final int KEY = 0x37fa213d;

    /** A masked client frame, as a browser would send it. */
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        return frame(fin, false, opcode, payload);
    }

    static byte[] frame(boolean fin, boolean rsv1, int opcode, byte[] payload) {
        byte[] out = new byte[FrameEncoder.MAX_HEADER_SIZE + payload.length];
        int h = FrameEncoder.writeHeader(out, 0, fin, rsv1, opcode, payload.length, true, KEY);
        System.arraycopy(payload, 0, out, h, payload.length);
        Masking.mask(out, h, payload.length, KEY, 0);
        return Arrays.copyOf(out, h + payload.length);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Loopback.Raw server() throws IOException {
        return Loopback.raw(ConnSettings.server());
    }

    /** The close frame the server sent: [0x88, code hi, code lo, reason...]. */
    static int closeCodeSent(Loopback.Raw raw) throws IOException {
        byte[] f = raw.receiveFrame();
        assertThat(f[0] & 0xff).isEqualTo(0x88);
        return (f[1] & 0xff) << 8 | (f[2] & 0xff);
    }

    @Test
    void readsFragmentedTextWithInterleavedPingAndAnswersThePing() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(concat(frame(false, 1, utf8("he")), frame(true, 9, utf8("pp")), frame(true, 0, utf8("llo"))));
            Message m = raw.conn().readMessage();
            assertThat(m.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(m.text()).isEqualTo("hello");
            assertThat(raw.receive(4)).containsExactly(0x8a, 0x02, 'p', 'p');
        }
    }

    @Test
    void pongReachesThePongHandlerWithItsPayload() throws Exception {
        try (Loopback.Raw raw = server()) {
            byte[][] seen = new byte[1][];
            raw.conn().setPongHandler(data -> seen[0] = data);
            raw.send(concat(frame(true, 10, utf8("abc")), frame(true, 2, new byte[] {1})));
            assertThat(raw.conn().readMessage().data()).containsExactly(1);
            assertThat(seen[0]).isEqualTo(utf8("abc"));
        }
    }

    @Test
    void closeIsEchoedWithTheSameCodeAndReadFailsWithCloseException() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, formatCloseMessage(1001, "hi")));
            Throwable t = catchThrowable(() -> raw.conn().readMessage());
            assertThat(t).isInstanceOf(CloseException.class).hasMessage("websocket: close 1001 (going away): hi");
            assertThat(((CloseException) t).code()).isEqualTo(1001);
            assertThat(((CloseException) t).text()).isEqualTo("hi");
            assertThat(raw.receive(4)).containsExactly(0x88, 0x02, 0x03, 0xe9);
            // Permanent: the same exception again, and writes now fail.
            assertThat(catchThrowable(() -> raw.conn().nextReader())).isSameAs(t);
            assertThatThrownBy(() -> raw.conn().writeMessage(TEXT_MESSAGE, utf8("x"))).isInstanceOf(CloseSentException.class);
        }
    }

    @Test
    void emptyCloseIsAnsweredWithEmptyClose() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, new byte[0]));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(CloseException.class)
                    .satisfies(e -> assertThat(((CloseException) e).code()).isEqualTo(CLOSE_NO_STATUS_RECEIVED));
            assertThat(raw.receive(2)).containsExactly(0x88, 0x00);
        }
    }

    @Test
    void customCloseHandlerRunsBeforeTheReadFails() throws Exception {
        try (Loopback.Raw raw = server()) {
            int[] seen = new int[1];
            raw.conn().setCloseHandler((code, text) -> seen[0] = code);
            raw.send(frame(true, 8, formatCloseMessage(4000, "app")));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(CloseException.class);
            assertThat(seen[0]).isEqualTo(4000);
            raw.conn().setCloseHandler(null);
            assertThat(raw.conn().closeHandler()).isNotNull();
        }
    }

    @Test
    void code1014IsAccepted() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, formatCloseMessage(1014, "")));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(CloseException.class)
                    .satisfies(e -> assertThat(((CloseException) e).code()).isEqualTo(1014));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCloseCodesAreProtocolErrors(int code) throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, new byte[] {(byte) (code >> 8), (byte) code}));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class)
                    .hasMessage("websocket: bad close code " + code);
            assertThat(closeCodeSent(raw)).isEqualTo(1002);
        }
    }

    @Test
    void oneByteClosePayloadIsAProtocolError() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, new byte[] {3}));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class);
            assertThat(closeCodeSent(raw)).isEqualTo(1002);
        }
    }

    @Test
    void closeReasonThatIsNotUtf8Is1007() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 8, new byte[] {0x03, (byte) 0xe8, (byte) 0xce, (byte) 0xba, (byte) 0xed, (byte) 0xa0, (byte) 0x80}));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).closeCode()).isEqualTo(1007));
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
        }
    }

    static byte[][] badFrames() {
        return new byte[][] {
            frame(true, true, 1, utf8("x")),            // RSV1 without compression
            concat(new byte[] {(byte) 0xa1, (byte) 0x80, 0, 0, 0, 0}), // RSV2
            concat(new byte[] {(byte) 0x91, (byte) 0x80, 0, 0, 0, 0}), // RSV3
            frame(true, 3, new byte[0]), frame(true, 7, new byte[0]), frame(true, 11, new byte[0]), frame(true, 15, new byte[0]),
            frame(false, 9, new byte[0]),              // fragmented ping
            frame(true, 9, new byte[126]),              // oversized ping
            frame(true, 0, utf8("x")),                 // continuation with no message open
            concat(frame(false, 1, utf8("a")), frame(true, 1, utf8("b"))), // data before FIN
            new byte[] {(byte) 0x81, 0x01, 'x'},        // unmasked frame at a server
        };
    }

    @Test
    void everyMalformedFrameFailsTheConnectionWith1002() throws Exception {
        for (byte[] bad : badFrames()) {
            try (Loopback.Raw raw = server()) {
                raw.send(bad);
                Throwable t = catchThrowable(() -> raw.conn().readMessage());
                assertThat(t).as(java.util.HexFormat.of().formatHex(bad)).isInstanceOf(ProtocolException.class);
                assertThat(((ProtocolException) t).closeCode()).isEqualTo(1002);
                assertThat(closeCodeSent(raw)).isEqualTo(1002);
                assertThat(catchThrowable(() -> raw.conn().readMessage())).isSameAs(t);
            }
        }
    }

    @Test
    void maskedFrameAtAClientIsAProtocolError() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.client())) {
            raw.send(frame(true, 1, utf8("x")));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class).hasMessage("websocket: bad MASK");
        }
    }

    @Test
    void invalidUtf8TextIs1007EvenWhenSplitAcrossFragments() throws Exception {
        byte[] valid = utf8("κόσμε");
        try (Loopback.Raw raw = server()) {
            // A valid code point split between two fragments is fine.
            raw.send(concat(frame(false, 1, Arrays.copyOf(valid, 3)), frame(true, 0, Arrays.copyOfRange(valid, 3, valid.length))));
            assertThat(raw.conn().readMessage().text()).isEqualTo("κόσμε");
            // An invalid one (a surrogate) split the same way is not.
            raw.send(concat(frame(false, 1, new byte[] {'a', (byte) 0xed}), frame(true, 0, new byte[] {(byte) 0xa0, (byte) 0x80})));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).closeCode()).isEqualTo(1007));
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
        }
    }

    /**
     * After an error close the server reads on only until the peer's close frame, then closes TCP
     * (RFC 6455 §7.1.1: the server closes first) — it does not wait for a FIN the peer will not
     * send. The close deadline is a minute; the peer's 10 s read timeout only guards against a hang.
     */
    @Test
    void afterAnErrorCloseTheServerClosesTcpOnThePeersCloseFrame() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(concat(frame(true, 1, new byte[] {'a', (byte) 0xff}), frame(true, 2, new byte[100])));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class);
            Thread closer = closeInBackground(raw);
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
            // More data first (it was in flight), then the peer's close reply; the peer keeps its side open.
            raw.send(concat(frame(true, 2, new byte[70_000]), frame(true, 8, new byte[] {0x03, (byte) 0xef})));
            raw.peer().setSoTimeout(10_000);
            assertThat(raw.peer().getInputStream().read()).as("server closed TCP").isEqualTo(-1);
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
        }
    }

    private static Thread closeInBackground(Loopback.Raw raw) {
        Thread closer = new Thread(() -> {
            try {
                raw.conn().close(CLOSE_NORMAL_CLOSURE, "", java.time.Duration.ofMinutes(1));
            } catch (IOException ignored) {
                // the assertions are on what the peer sees
            }
        });
        closer.start();
        return closer;
    }

    @Test
    void afterABadHeaderTheServerDiscardsUntilThePeersFin() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(0xa1, 0x80, 0, 0, 0, 0); // RSV2 set: where the next frame starts is unknown
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class);
            Thread closer = closeInBackground(raw);
            assertThat(closeCodeSent(raw)).isEqualTo(1002);
            // These bytes cannot be trusted as frames; only the FIN ends the wait.
            raw.send(frame(true, 8, new byte[] {0x03, (byte) 0xe8}));
            raw.peer().shutdownOutput();
            raw.peer().setSoTimeout(10_000);
            assertThat(raw.peer().getInputStream().read()).as("server closed TCP").isEqualTo(-1);
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
        }
    }

    @Test
    void textEndingInsideACodePointIs1007() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 1, new byte[] {'a', (byte) 0xe2, (byte) 0x82}));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ProtocolException.class);
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
        }
    }

    @Test
    void invalidUtf8FailsFastBeforeTheMessageEnds() throws Exception {
        try (Loopback.Raw raw = server()) {
            // First fragment is already impossible; the rest of the message never comes.
            raw.send(frame(false, 1, new byte[] {'o', 'k', (byte) 0xff}));
            MessageReader r = raw.conn().nextReader();
            assertThatThrownBy(() -> r.reader().readAllBytes()).isInstanceOf(ProtocolException.class);
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
        }
    }

    @Test
    void binaryIsNotValidatedAsText() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(frame(true, 2, new byte[] {(byte) 0xff, (byte) 0xfe}));
            assertThat(raw.conn().readMessage().data()).containsExactly(0xff, 0xfe);
        }
    }

    /** gorilla's TestReadLimit: exactly the limit passes (with a pong between fragments), one more fails with 1009. */
    @Test
    void readLimit() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.conn().setReadLimit(10);
            raw.send(concat(frame(false, 2, new byte[6]), frame(true, 10, new byte[0]), frame(true, 0, new byte[4])));
            assertThat(raw.conn().readMessage().data()).hasSize(10);
            raw.send(concat(frame(false, 2, new byte[6]), frame(true, 0, new byte[5])));
            MessageReader r = raw.conn().nextReader();
            Throwable t = catchThrowable(() -> r.reader().readAllBytes());
            assertThat(t).isInstanceOf(ReadLimitException.class).hasMessage("websocket: read limit exceeded");
            assertThat(raw.receive(4)).containsExactly(0x88, 0x02, 0x03, 0xf1);
            assertThat(catchThrowable(() -> raw.conn().nextReader())).isSameAs(t);
        }
    }

    @Test
    void readLimitIsCheckedAtTheHeaderBeforeThePayloadArrives() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.conn().setReadLimit(1000);
            // Announce 1 MiB, send only the header: the error must not wait for the payload.
            byte[] header = new byte[14];
            int h = FrameEncoder.writeHeader(header, 0, true, false, 2, 1 << 20, true, KEY);
            raw.send(Arrays.copyOf(header, h));
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ReadLimitException.class);
        }
    }

    /** gorilla's TestEOFWithinFrame: a TCP end anywhere reads as close 1006 "unexpected EOF", permanently. */
    @Test
    void truncatedStreamIsAbnormalClosureAtEveryOffset() throws Exception {
        byte[] message = frame(true, 2, new byte[64]);
        for (int cut = 0; cut < message.length; cut++) {
            try (Loopback.Raw raw = server()) {
                raw.send(Arrays.copyOf(message, cut));
                raw.peer().shutdownOutput();
                Throwable t = catchThrowable(() -> raw.conn().readMessage());
                assertThat(t).isInstanceOf(CloseException.class).hasMessage("websocket: close 1006 (abnormal closure): unexpected EOF");
                assertThat(isUnexpectedCloseError(t, 1000, 1001)).isTrue();
                assertThat(catchThrowable(() -> raw.conn().nextReader())).isSameAs(t);
            }
        }
    }

    @Test
    void nextReaderDiscardsTheUnreadRestOfThePreviousMessage() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(concat(frame(false, 2, new byte[] {1, 2, 3}), frame(true, 0, new byte[] {4, 5}), frame(true, 1, utf8("next"))));
            MessageReader first = raw.conn().nextReader();
            assertThat(first.reader().read()).isEqualTo(1);
            MessageReader second = raw.conn().nextReader();
            assertThat(second.messageType()).isEqualTo(TEXT_MESSAGE);
            assertThat(new String(second.reader().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("next");
            assertThat(first.reader().read()).isEqualTo(-1); // the old reader is stale
        }
    }

    @Test
    void closeFrameBeforeTheFinalFragment() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(concat(frame(false, 2, new byte[6000]), frame(true, 8, formatCloseMessage(1000, "hello"))));
            MessageReader r = raw.conn().nextReader();
            Throwable t = catchThrowable(() -> r.reader().readAllBytes());
            assertThat(t).isInstanceOf(CloseException.class).hasMessage("websocket: close 1000 (normal): hello");
            assertThat(catchThrowable(() -> raw.conn().nextReader())).isSameAs(t);
        }
    }

    @Test
    void zeroLengthFramesAndMessages() throws Exception {
        try (Loopback.Raw raw = server()) {
            raw.send(concat(frame(true, 1, new byte[0]), frame(false, 2, new byte[0]), frame(false, 0, new byte[0]),
                    frame(true, 0, new byte[] {9})));
            assertThat(raw.conn().readMessage().data()).isEmpty();
            assertThat(raw.conn().readMessage().data()).containsExactly(9);
        }
    }
}
