package dev.conduit.websocket.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Between frames, once nothing more is waiting, the reader holds only its small idle buffer; a
 * burst of frames gets the full-size buffer back, and no byte is lost or reordered on either switch.
 */
class FrameReaderIdleBufferTest {
    private static final int FULL = 4096;
    private static final int KEY = 0x1a2b3c4d;

    /**
     * A transport that delivers the bytes of one "arrival" at a time (a read never returns bytes of
     * two arrivals, as when the peer's next message has not come yet) and records the size of the
     * array every read was given.
     */
    static final class Arrivals implements FrameReader.Source {
        final Deque<byte[]> pending = new ArrayDeque<>();
        byte[] current = new byte[0];
        int pos;
        final List<Integer> arraySizes = new ArrayList<>();

        Arrivals arrive(byte[] bytes) {
            pending.add(bytes);
            return this;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            arraySizes.add(b.length);
            if (pos == current.length) {
                if (pending.isEmpty()) {
                    return -1;
                }
                current = pending.poll();
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    static byte[] frame(int opcode, byte[] payload) {
        return FrameCodecTest.encode(true, opcode, payload, true, KEY);
    }

    static byte[] payload(int size, int seed) {
        byte[] p = new byte[size];
        new Random(seed).nextBytes(p);
        return p;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void smallMessagesArrivingOneAtATimeAreReadIntoTheIdleBufferOnly() throws Exception {
        Arrivals net = new Arrivals();
        for (int i = 0; i < 20; i++) {
            net.arrive(frame(Opcode.TEXT, payload(64, i)));
        }
        FrameReader r = new FrameReader(net, true, false, FULL, new byte[0]);

        for (int i = 0; i < 20; i++) {
            assertThat(r.readHeader().payloadLength()).isEqualTo(64);
            assertThat(r.readFullPayload()).isEqualTo(payload(64, i));
            assertThat(r.bufferCapacity()).isEqualTo(FrameReader.IDLE_BUFFER_SIZE);
        }
        // Every read, including each wait for the next message, was given the 512-byte array.
        assertThat(net.arraySizes).hasSize(20).containsOnly(FrameReader.IDLE_BUFFER_SIZE);
    }

    @Test
    void aBurstGetsTheFullBufferAndTheReaderReturnsToTheIdleOneOnceDrained() throws Exception {
        byte[][] burst = new byte[200][];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = frame(Opcode.BINARY, payload(100, i));
        }
        byte[] after = frame(Opcode.TEXT, payload(10, 999));
        Arrivals net = new Arrivals().arrive(concat(burst)).arrive(after);
        FrameReader r = new FrameReader(net, true, false, FULL, new byte[0]);

        for (int i = 0; i < burst.length; i++) {
            r.readHeader();
            assertThat(r.readFullPayload()).as("frame %d", i).isEqualTo(payload(100, i));
        }
        // The first read filled the idle buffer; the rest of the burst went through full-size ones.
        assertThat(net.arraySizes.get(0)).isEqualTo(FrameReader.IDLE_BUFFER_SIZE);
        assertThat(net.arraySizes.subList(1, net.arraySizes.size())).containsOnly(FULL);
        // 21,200 bytes in one 512-byte read and ~5 full ones, not ~42 small ones.
        assertThat(net.arraySizes).hasSizeLessThan(10);
        assertThat(r.bufferCapacity()).isEqualTo(FULL);

        int readsBefore = net.arraySizes.size();
        r.readHeader();
        assertThat(r.readFullPayload()).isEqualTo(payload(10, 999));
        // The burst ended with a short read: the wait for the next message held the idle buffer.
        assertThat(net.arraySizes.get(readsBefore)).isEqualTo(FrameReader.IDLE_BUFFER_SIZE);
        assertThat(r.bufferCapacity()).isEqualTo(FrameReader.IDLE_BUFFER_SIZE);
    }

    @Test
    void aHeaderSplitAcrossTheSwitchToTheFullBufferParses() throws Exception {
        // 505 bytes of a first frame, then a second frame whose 8-byte extended header starts at
        // byte 507 of the arrival: the idle buffer fills in the middle of that header.
        byte[] first = frame(Opcode.BINARY, payload(499, 1)); // 2 + 4 + 499 = 505 bytes
        byte[] second = frame(Opcode.BINARY, payload(70_000, 2)); // 64-bit length
        Arrivals net = new Arrivals().arrive(concat(first, second));
        FrameReader r = new FrameReader(net, true, false, FULL, new byte[0]);

        assertThat(r.readHeader().payloadLength()).isEqualTo(499);
        assertThat(r.readFullPayload()).isEqualTo(payload(499, 1));
        assertThat(r.readHeader().payloadLength()).isEqualTo(70_000);
        assertThat(r.readFullPayload()).isEqualTo(payload(70_000, 2));
        assertThat(net.arraySizes.get(0)).isEqualTo(FrameReader.IDLE_BUFFER_SIZE);
    }

    @Test
    void randomFramesInRandomArrivalsReadBackIntact() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<byte[]> payloads = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int frames = 1 + random.nextInt(30);
            for (int i = 0; i < frames; i++) {
                int size = random.nextInt(4) == 0 ? random.nextInt(20_000) : random.nextInt(700);
                byte[] p = payload(size, random.nextInt());
                payloads.add(p);
                wire.writeBytes(frame(Opcode.BINARY, p));
            }
            // Cut the stream into arrivals at random points (inside headers and payloads alike).
            byte[] all = wire.toByteArray();
            Arrivals net = new Arrivals();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 40 : 6000));
                net.arrive(Arrays.copyOfRange(all, at, at + n));
                at += n;
            }
            int bufferSize = random.nextBoolean() ? FULL : 125 + random.nextInt(1000);
            FrameReader r = new FrameReader(net, true, false, bufferSize, new byte[0]);
            for (int i = 0; i < frames; i++) {
                assertThat(r.readHeader().payloadLength()).isEqualTo(payloads.get(i).length);
                // Read in odd-sized pieces, as a MessageReader user might.
                byte[] got = new byte[payloads.get(i).length];
                int off = 0;
                while (off < got.length) {
                    off += r.readPayload(got, off, Math.min(got.length - off, 1 + random.nextInt(3000)));
                }
                assertThat(got).as("round %d frame %d", round, i).isEqualTo(payloads.get(i));
                assertThat(r.bufferCapacity()).isLessThanOrEqualTo(Math.max(bufferSize, FrameReader.IDLE_BUFFER_SIZE));
            }
            try {
                r.readHeader();
                throw new AssertionError("expected the end of the stream");
            } catch (EOFException expected) {
                // all frames consumed, nothing lost or duplicated
            }
        }
    }

    @Test
    void bytesReadAheadDuringTheHandshakeComeFirstWhateverTheirSize() throws Exception {
        byte[] a = frame(Opcode.TEXT, payload(30, 1));
        byte[] b = frame(Opcode.BINARY, payload(900, 2));
        byte[] c = frame(Opcode.TEXT, payload(5, 3));
        // Read-ahead larger than the idle buffer: held in a full-size buffer first.
        FrameReader r = new FrameReader(new Arrivals().arrive(c), true, false, FULL, concat(a, b));
        r.readHeader();
        assertThat(r.readFullPayload()).isEqualTo(payload(30, 1));
        r.readHeader();
        assertThat(r.readFullPayload()).isEqualTo(payload(900, 2));
        r.readHeader();
        assertThat(r.readFullPayload()).isEqualTo(payload(5, 3));
    }
}
