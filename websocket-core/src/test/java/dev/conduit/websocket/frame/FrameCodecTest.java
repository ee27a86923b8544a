package dev.conduit.websocket.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Frame headers and payloads against the byte-exact examples of RFC 6455 §5.7. */
class FrameCodecTest {
    private static final int RFC_KEY = 0x37fa213d;

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] encode(boolean fin, int opcode, byte[] payload, boolean masked, int key) {
        byte[] out = new byte[FrameEncoder.MAX_HEADER_SIZE + payload.length];
        int h = FrameEncoder.writeHeader(out, 0, fin, false, opcode, payload.length, masked, key);
        System.arraycopy(payload, 0, out, h, payload.length);
        if (masked) {
            Masking.mask(out, h, payload.length, key, 0);
        }
        return Arrays.copyOf(out, h + payload.length);
    }

    static FrameReader reader(byte[] wire, boolean server) {
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        return new FrameReader(in::read, server, false, 4096, new byte[0]);
    }

    @Test
    void singleFrameUnmaskedText() throws Exception {
        byte[] wire = bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
        assertThat(encode(true, Opcode.TEXT, "Hello".getBytes(), false, 0)).isEqualTo(wire);
        FrameReader r = reader(wire, false);
        FrameHeader h = r.readHeader();
        assertThat(h.fin()).isTrue();
        assertThat(h.opcode()).isEqualTo(Opcode.TEXT);
        assertThat(new String(r.readFullPayload())).isEqualTo("Hello");
    }

    @Test
    void singleFrameMaskedText() throws Exception {
        byte[] wire = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        assertThat(encode(true, Opcode.TEXT, "Hello".getBytes(), true, RFC_KEY)).isEqualTo(wire);
        FrameReader r = reader(wire, true);
        FrameHeader h = r.readHeader();
        assertThat(h.masked()).isTrue();
        assertThat(h.maskKey()).isEqualTo(RFC_KEY);
        assertThat(new String(r.readFullPayload())).isEqualTo("Hello");
    }

    @Test
    void fragmentedUnmaskedText() throws Exception {
        byte[] first = bytes(0x01, 0x03, 0x48, 0x65, 0x6c);
        byte[] second = bytes(0x80, 0x02, 0x6c, 0x6f);
        assertThat(encode(false, Opcode.TEXT, "Hel".getBytes(), false, 0)).isEqualTo(first);
        assertThat(encode(true, Opcode.CONTINUATION, "lo".getBytes(), false, 0)).isEqualTo(second);
        byte[] wire = new byte[first.length + second.length];
        System.arraycopy(first, 0, wire, 0, first.length);
        System.arraycopy(second, 0, wire, first.length, second.length);
        FrameReader r = reader(wire, false);
        FrameHeader h1 = r.readHeader();
        assertThat(h1.fin()).isFalse();
        assertThat(new String(r.readFullPayload())).isEqualTo("Hel");
        FrameHeader h2 = r.readHeader();
        assertThat(h2.fin()).isTrue();
        assertThat(h2.opcode()).isEqualTo(Opcode.CONTINUATION);
        assertThat(new String(r.readFullPayload())).isEqualTo("lo");
    }

    @Test
    void unmaskedPingAndMaskedPong() throws Exception {
        assertThat(encode(true, Opcode.PING, "Hello".getBytes(), false, 0))
                .isEqualTo(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
        assertThat(encode(true, Opcode.PONG, "Hello".getBytes(), true, RFC_KEY))
                .isEqualTo(bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
    }

    @Test
    void binary256And64KiBHeaders() throws Exception {
        byte[] h256 = new byte[14];
        int n = FrameEncoder.writeHeader(h256, 0, true, false, Opcode.BINARY, 256, false, 0);
        assertThat(Arrays.copyOf(h256, n)).isEqualTo(bytes(0x82, 0x7e, 0x01, 0x00));
        byte[] h64k = new byte[14];
        n = FrameEncoder.writeHeader(h64k, 0, true, false, Opcode.BINARY, 65536, false, 0);
        assertThat(Arrays.copyOf(h64k, n)).isEqualTo(bytes(0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0));

        byte[] payload = new byte[65536];
        Arrays.fill(payload, (byte) 7);
        FrameReader r = reader(encode(true, Opcode.BINARY, payload, false, 0), false);
        assertThat(r.readHeader().payloadLength()).isEqualTo(65536);
        assertThat(r.readFullPayload()).isEqualTo(payload);
    }

    @Test
    void lengthBoundariesRoundTripMaskedAndUnmasked() throws Exception {
        for (int len : new int[] {0, 1, 124, 125, 126, 127, 128, 65534, 65535, 65536, 1 << 20}) {
            byte[] payload = new byte[len];
            new java.util.Random(len).nextBytes(payload);
            for (boolean masked : new boolean[] {false, true}) {
                byte[] wire = encode(true, Opcode.BINARY, payload, masked, 0x01020304);
                assertThat(wire.length).isEqualTo(FrameEncoder.headerSize(len, masked) + len);
                FrameReader r = reader(wire, masked);
                assertThat(r.readHeader().payloadLength()).isEqualTo(len);
                assertThat(r.readFullPayload()).isEqualTo(payload);
            }
        }
    }

    @Test
    void nonMinimalLengthIsAccepted() throws Exception {
        FrameReader r = reader(bytes(0x82, 0x7e, 0x00, 0x03, 1, 2, 3), false);
        assertThat(r.readHeader().payloadLength()).isEqualTo(3);
    }

    @Test
    void headerProblemsAreProtocolErrorsNamingEveryProblem() {
        assertThatThrownBy(() -> reader(bytes(0xb1, 0x00), false).readHeader())
                .isInstanceOf(ProtocolException.class).hasMessage("websocket: RSV2 set, RSV3 set");
        assertThatThrownBy(() -> reader(bytes(0xc1, 0x00), false).readHeader()).hasMessage("websocket: RSV1 set");
        assertThatThrownBy(() -> reader(bytes(0x83, 0x00), false).readHeader()).hasMessage("websocket: bad opcode 3");
        assertThatThrownBy(() -> reader(bytes(0x8b, 0x00), false).readHeader()).hasMessage("websocket: bad opcode 11");
        assertThatThrownBy(() -> reader(bytes(0x89, 0x7e, 0x00, 0x7e), false).readHeader())
                .hasMessage("websocket: len > 125 for control");
        assertThatThrownBy(() -> reader(bytes(0x09, 0x00), false).readHeader()).hasMessage("websocket: FIN not set on control");
        assertThatThrownBy(() -> reader(bytes(0x81, 0x00), true).readHeader()).hasMessage("websocket: bad MASK");
        assertThatThrownBy(() -> reader(bytes(0x81, 0x80, 0, 0, 0, 0), false).readHeader()).hasMessage("websocket: bad MASK");
        assertThatThrownBy(() -> reader(bytes(0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0), false).readHeader())
                .isInstanceOf(ProtocolException.class).hasMessageContaining("top bit");
    }

    @Test
    void rsv1AllowedOnlyOnFirstDataFrameWhenCompressionNegotiated() throws Exception {
        ByteArrayInputStream ok = new ByteArrayInputStream(bytes(0xc1, 0x00));
        assertThat(new FrameReader(ok::read, false, true, 4096, new byte[0]).readHeader().rsv1()).isTrue();
        ByteArrayInputStream ping = new ByteArrayInputStream(bytes(0xc9, 0x00));
        assertThatThrownBy(() -> new FrameReader(ping::read, false, true, 4096, new byte[0]).readHeader())
                .hasMessage("websocket: RSV1 set on a ping frame");
        ByteArrayInputStream cont = new ByteArrayInputStream(bytes(0xc0, 0x00));
        assertThatThrownBy(() -> new FrameReader(cont::read, false, true, 4096, new byte[0]).readHeader())
                .hasMessage("websocket: RSV1 set on a continuation frame");
    }

    @Test
    void truncationAnywhereIsEof() {
        byte[] wire = encode(true, Opcode.TEXT, "Hello, world".getBytes(), true, RFC_KEY);
        for (int cut = 0; cut < wire.length; cut++) {
            FrameReader r = reader(Arrays.copyOf(wire, cut), true);
            assertThatThrownBy(() -> {
                r.readHeader();
                r.readFullPayload();
            }).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void initialBytesAreReadFirst() throws Exception {
        byte[] wire = bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
        ByteArrayInputStream rest = new ByteArrayInputStream(Arrays.copyOfRange(wire, 3, wire.length));
        FrameReader r = new FrameReader(rest::read, false, false, 4096, Arrays.copyOf(wire, 3));
        r.readHeader();
        assertThat(new String(r.readFullPayload())).isEqualTo("Hello");
    }
}
