package dev.conduit.websocket.frame;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.WebSocket;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses frames from a byte source through a read buffer: headers (validated as RFC 6455 §5.2
 * requires of a single frame) and payloads (unmasked as they are read). Rules that span frames —
 * fragmentation order, message limits, UTF-8 — belong to the connection.
 * <p>
 * Idle connections hold little: most of a server's connections wait for their next message most
 * of the time, and a full read buffer each (4 KiB by default) would be a quarter of what one costs.
 * So when a frame has been consumed and the last transport read came back short (nothing more was
 * waiting), the reader drops its full-size buffer and waits for the next frame with a small one of
 * {@value #IDLE_BUFFER_SIZE} bytes, kept for the connection's life. A small message arrives whole in
 * it; when a read fills it, more is waiting and the reader goes back to a full-size buffer (from a
 * small shared {@link ReadBufferCache}, where it returns when the reader goes idle). A stream of
 * frames therefore keeps the full buffer, and gorilla's complaint about per-connection read buffers
 * at scale (its issues #8, #585) does not apply.
 */
public final class FrameReader {
    /** Where the bytes come from; {@link dev.conduit.websocket.NetConn#read} fits. */
    @FunctionalInterface
    public interface Source {
        /**
         * @param b buffer
         * @param off offset
         * @param len most bytes to read
         * @return bytes read, or -1 at end of stream
         * @throws IOException on transport failure
         */
        int read(byte[] b, int off, int len) throws IOException;
    }

    /** The buffer held while waiting between frames (see the class comment). */
    public static final int IDLE_BUFFER_SIZE = 512;

    private final Source source;
    private final boolean server;
    private final boolean compressionNegotiated;
    private final int bufferSize;
    /** Small, kept for the connection's life: the buffer while idle. */
    private final byte[] idle;
    /** Either {@link #idle} or a full-size buffer while frames keep arriving. */
    private byte[] buf;
    private int pos;
    private int lim;
    /** Whether the last transport read returned less than asked for: nothing more was waiting then. */
    private boolean drained;

    private long remaining;
    private boolean masked;
    private int maskKey;
    private long maskPos;

    /**
     * @param source the transport
     * @param server true on the server side: frames must be masked; false: frames must not be
     * @param compressionNegotiated whether permessage-deflate was negotiated (RSV1 then allowed on
     *                              the first frame of a data message)
     * @param bufferSize the read buffer size while frames arrive (at least 14, a frame header)
     * @param initial bytes already read from the transport (after the handshake), read first
     */
    public FrameReader(Source source, boolean server, boolean compressionNegotiated, int bufferSize, byte[] initial) {
        if (bufferSize < 14) {
            throw new IllegalArgumentException("read buffer of " + bufferSize + " bytes cannot hold a frame header");
        }
        this.source = source;
        this.server = server;
        this.compressionNegotiated = compressionNegotiated;
        this.bufferSize = bufferSize;
        this.idle = new byte[Math.min(bufferSize, IDLE_BUFFER_SIZE)];
        this.buf = initial.length <= idle.length ? idle : new byte[Math.max(bufferSize, initial.length)];
        System.arraycopy(initial, 0, buf, 0, initial.length);
        this.lim = initial.length;
    }

    /** @return the size of the buffer the reader holds now (for tests and memory accounting) */
    public int bufferCapacity() {
        return buf.length;
    }

    /**
     * Skips what is left of the current frame and reads the next header. Control frame payloads
     * must then be read with {@link #readPayload} like any other.
     *
     * @return the header
     * @throws EOFException if the stream ends, even between frames
     * @throws ProtocolException 1002 for reserved bits or opcodes, bad control frames, wrong masking
     *                           or a 64-bit length with the top bit set
     * @throws IOException the transport's error
     */
    public FrameHeader readHeader() throws IOException {
        skipRemaining();
        if (pos == lim && drained && buf != idle) {
            if (buf.length == bufferSize) {
                ReadBufferCache.give(buf); // the next burst, here or on another connection, reuses it
            }
            buf = idle; // between frames with nothing waiting: wait for the next one holding little
            pos = 0;
            lim = 0;
        }
        require(2);
        int b0 = buf[pos] & 0xff;
        int b1 = buf[pos + 1] & 0xff;
        pos += 2;
        boolean fin = (b0 & 0x80) != 0;
        boolean rsv1 = (b0 & 0x40) != 0;
        boolean rsv2 = (b0 & 0x20) != 0;
        boolean rsv3 = (b0 & 0x10) != 0;
        int opcode = b0 & 0x0f;
        boolean isMasked = (b1 & 0x80) != 0;
        long length = b1 & 0x7f;

        // Collect every problem, as gorilla does, so the close reason names them all.
        List<String> problems = new ArrayList<>(2);
        if (rsv1 && !(compressionNegotiated && (opcode == Opcode.TEXT || opcode == Opcode.BINARY))) {
            problems.add(compressionNegotiated ? "RSV1 set on a " + describe(opcode) + " frame" : "RSV1 set");
        }
        if (rsv2) {
            problems.add("RSV2 set");
        }
        if (rsv3) {
            problems.add("RSV3 set");
        }
        if (!Opcode.isDefined(opcode)) {
            problems.add("bad opcode " + opcode);
        } else if (Opcode.isControl(opcode)) {
            if (length > 125) {
                problems.add("len > 125 for control");
            }
            if (!fin) {
                problems.add("FIN not set on control");
            }
        }
        if (isMasked != server) {
            problems.add("bad MASK");
        }
        if (!problems.isEmpty()) {
            throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, String.join(", ", problems));
        }

        if (length == 126) {
            require(2);
            length = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
            pos += 2;
        } else if (length == 127) {
            require(8);
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = length << 8 | (buf[pos + i] & 0xff);
            }
            pos += 8;
            if (length < 0) {
                throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "64-bit payload length with the top bit set");
            }
        }
        int key = 0;
        if (isMasked) {
            require(4);
            key = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | (buf[pos + 3] & 0xff);
            pos += 4;
        }
        remaining = length;
        masked = isMasked;
        maskKey = key;
        maskPos = 0;
        return new FrameHeader(fin, rsv1, rsv2, rsv3, opcode, isMasked, key, length);
    }

    /** @return payload bytes of the current frame not yet read */
    public long remaining() {
        return remaining;
    }

    /**
     * Reads up to {@code len} bytes of the current frame's payload, unmasked.
     *
     * @param b destination
     * @param off offset
     * @param len most bytes
     * @return bytes read (at least 1 when {@code len > 0} and payload remains), 0 when the frame is
     *         finished
     * @throws EOFException if the stream ends inside the payload
     * @throws IOException the transport's error
     */
    public int readPayload(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length); // a negative length would return 0 forever
        int want = (int) Math.min(len, remaining);
        if (want <= 0) {
            return 0;
        }
        int n;
        if (pos < lim) {
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        } else if (want >= buf.length) {
            // Large reads bypass the buffer: no copy.
            n = source.read(b, off, want);
            if (n < 0) {
                throw new EOFException("unexpected EOF inside a frame payload");
            }
            drained = n < want;
        } else {
            fill();
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        }
        if (masked) {
            maskPos = Masking.mask(b, off, n, maskKey, maskPos);
        }
        remaining -= n;
        return n;
    }

    /**
     * Reads the whole rest of the current payload (control frames: at most 125 bytes).
     *
     * @return the payload
     * @throws IOException as {@link #readPayload}
     */
    public byte[] readFullPayload() throws IOException {
        byte[] p = new byte[(int) remaining];
        int off = 0;
        while (off < p.length) {
            off += readPayload(p, off, p.length - off);
        }
        return p;
    }

    /**
     * Discards the unread rest of the current frame.
     *
     * @throws IOException as {@link #readPayload}
     */
    public void skipRemaining() throws IOException {
        while (remaining > 0) {
            if (pos == lim) {
                fill();
            }
            int n = (int) Math.min(remaining, lim - pos);
            pos += n;
            remaining -= n;
        }
    }

    private void require(int n) throws IOException {
        if (lim - pos >= n) {
            return;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < n) {
            int asked = buf.length - lim;
            int r = source.read(buf, lim, asked);
            if (r < 0) {
                throw new EOFException("unexpected EOF in a frame header");
            }
            lim += r;
            afterRead(r, asked);
        }
    }

    private void fill() throws IOException {
        pos = 0;
        lim = 0;
        int r = source.read(buf, 0, buf.length);
        if (r < 0) {
            throw new EOFException("unexpected EOF inside a frame payload");
        }
        lim = r;
        afterRead(r, buf.length);
    }

    /** A read that filled the idle buffer means more is waiting: the full-size buffer takes over. */
    private void afterRead(int read, int asked) {
        drained = read < asked;
        if (!drained && buf == idle && bufferSize > idle.length) {
            byte[] full = ReadBufferCache.take(bufferSize);
            System.arraycopy(buf, pos, full, 0, lim - pos);
            lim -= pos;
            pos = 0;
            buf = full;
        }
    }

    private static String describe(int opcode) {
        return switch (opcode) {
            case Opcode.CONTINUATION -> "continuation";
            case Opcode.CLOSE -> "close";
            case Opcode.PING -> "ping";
            case Opcode.PONG -> "pong";
            default -> "opcode " + opcode;
        };
    }
}
