package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.BINARY_MESSAGE;
import static dev.conduit.websocket.WebSocket.CLOSE_MESSAGE;
import static dev.conduit.websocket.WebSocket.PING_MESSAGE;
import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.PreparedMessage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The transport's write contract as the Conn keeps it: every frame is one call with its header and
 * its payload, followed by a flush, so a transport never has to guess which writes belong
 * together; only a client's payload larger than its write buffer continues with plain writes.
 */
class FrameWriteContractTest {
    /** Records the calls a Conn makes and the bytes they carry. */
    static final class RecordingNetConn implements NetConn {
        final List<String> calls = new ArrayList<>();
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();

        @Override
        public void write(byte[] header, int hoff, int hlen, byte[] payload, int poff, int plen) {
            calls.add("frame " + hlen + "+" + plen);
            wire.write(header, hoff, hlen);
            wire.write(payload, poff, plen);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls.add("write " + len);
            wire.write(b, off, len);
        }

        @Override
        public void writeFrames(byte[][] frames, int count) {
            StringBuilder call = new StringBuilder("frames");
            for (int i = 0; i < count; i++) {
                call.append(' ').append(frames[i].length);
                wire.write(frames[i], 0, frames[i].length);
            }
            calls.add(call.toString());
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return -1;
        }

        @Override
        public void setReadDeadline(Instant deadline) {
        }

        @Override
        public void setWriteDeadline(Instant deadline) {
        }

        @Override
        public SocketAddress localAddress() {
            return null;
        }

        @Override
        public SocketAddress remoteAddress() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    final RecordingNetConn net = new RecordingNetConn();

    static byte[] payload(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    static int headerSize(int len, boolean masked) {
        return (len < 126 ? 2 : len < 65536 ? 4 : 10) + (masked ? 4 : 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 125, 126, 300, 4096, 5000, 70_000, 200_000})
    void aServerWritesEachMessageAsOneFrameCallAndAFlush(int size) throws Exception {
        Conn conn = WebSocketConn.open(net, ConnSettings.server());
        byte[] data = payload(size);
        conn.writeMessage(BINARY_MESSAGE, data);
        assertThat(net.calls).containsExactly("frame " + headerSize(size, false) + "+" + size, "flush");
        byte[] wire = net.wire.toByteArray();
        assertThat(wire[0] & 0xff).isEqualTo(0x82);
        assertThat(java.util.Arrays.copyOfRange(wire, headerSize(size, false), wire.length)).isEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 125, 256, 257, 4096, 5000, 70_000})
    void aClientWritesEachMessageAsOneFrameCallAndOnlyContinuesAPayloadLargerThanItsBuffer(int size) throws Exception {
        ConnSettings settings = ConnSettings.client();
        Conn conn = WebSocketConn.open(net, settings);
        byte[] data = payload(size);
        conn.writeMessage(BINARY_MESSAGE, data);
        int first = Math.min(size, settings.writeBufferSize);
        assertThat(net.calls.get(0)).isEqualTo("frame " + headerSize(size, true) + "+" + first);
        assertThat(net.calls.subList(1, net.calls.size() - 1)).allMatch(c -> c.startsWith("write "));
        assertThat(net.calls.get(net.calls.size() - 1)).isEqualTo("flush");
        if (size <= settings.writeBufferSize) {
            assertThat(net.calls).hasSize(2);
        }
        byte[] wire = net.wire.toByteArray();
        int h = headerSize(size, true);
        assertThat(wire).hasSize(h + size);
        for (int i = 0; i < size; i++) {
            wire[h + i] ^= wire[h - 4 + (i & 3)];
        }
        assertThat(java.util.Arrays.copyOfRange(wire, h, wire.length)).isEqualTo(data);
    }

    @Test
    void aTwoByteControlFrameIsOneFrameCallAndFlushedAtOnce() throws Exception {
        Conn conn = WebSocketConn.open(net, ConnSettings.server());
        conn.writeControl(PING_MESSAGE, new byte[0], null);
        assertThat(net.calls).containsExactly("frame 2+0", "flush");
        assertThat(net.wire.toByteArray()).containsExactly(0x89, 0x00);
        conn.writeControl(CLOSE_MESSAGE, new byte[] {0x03, (byte) 0xE8}, null);
        assertThat(net.calls).containsExactly("frame 2+0", "flush", "frame 2+2", "flush");
    }

    @Test
    void streamedFragmentsAndPreparedMessagesAreOneFrameCallEach() throws Exception {
        Conn conn = WebSocketConn.open(net, ConnSettings.server());
        try (OutputStream w = conn.nextWriter(BINARY_MESSAGE)) {
            w.write(payload(5000));
        }
        assertThat(net.calls).containsExactly("frame 4+4096", "flush", "frame 4+904", "flush");
        net.calls.clear();
        conn.writePreparedMessage(new PreparedMessage(TEXT_MESSAGE, payload(300)));
        conn.writePreparedMessage(new PreparedMessage(TEXT_MESSAGE, payload(100_000)));
        assertThat(net.calls).containsExactly("frame 4+300", "flush", "frame 10+100000", "flush");
    }

    /**
     * Prepared messages written together reach the transport as one {@code writeFrames} call and
     * one flush, in order; a control message among them goes on its own between the runs before
     * and after it.
     */
    @Test
    void preparedMessagesWrittenTogetherAreOneFramesCallPerRun() throws Exception {
        Conn conn = WebSocketConn.open(net, ConnSettings.server());
        byte[] a = payload(10);
        byte[] b = payload(300);
        byte[] c = payload(70_000);
        conn.writePreparedMessages(List.of(new PreparedMessage(TEXT_MESSAGE, a), new PreparedMessage(BINARY_MESSAGE, b),
                new PreparedMessage(BINARY_MESSAGE, c)));
        assertThat(net.calls).containsExactly("frames 12 304 70010", "flush");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {(byte) 0x81, 10});
        expected.write(a);
        expected.write(new byte[] {(byte) 0x82, 126, 0x01, 0x2C});
        expected.write(b);
        expected.write(new byte[] {(byte) 0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70});
        expected.write(c);
        assertThat(net.wire.toByteArray()).isEqualTo(expected.toByteArray());

        net.calls.clear();
        conn.writePreparedMessages(List.of(new PreparedMessage(TEXT_MESSAGE, a), new PreparedMessage(TEXT_MESSAGE, a),
                new PreparedMessage(PING_MESSAGE, new byte[0]), new PreparedMessage(TEXT_MESSAGE, a)));
        assertThat(net.calls).containsExactly("frames 12 12", "flush", "frame 2+0", "flush", "frames 12", "flush");
    }

    /** A client masks each frame with its own key: its prepared messages go one frame call each. */
    @Test
    void aClientWritesPreparedMessagesOneFrameEach() throws Exception {
        Conn conn = WebSocketConn.open(net, ConnSettings.client());
        conn.writePreparedMessages(List.of(new PreparedMessage(TEXT_MESSAGE, payload(10)),
                new PreparedMessage(TEXT_MESSAGE, payload(20))));
        assertThat(net.calls).containsExactly("frame 6+10", "flush", "frame 6+20", "flush");
    }
}
