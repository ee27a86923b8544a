package dev.conduit.websocket.compression;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses the messages one connection receives (RFC 7692 §7.2.2): the compressed payload of
 * all the message's frames, then {@code 00 00 FF FF}, through raw DEFLATE.
 *
 * <p><b>Bounded memory.</b> Inflating is incremental: {@link #newMessage} returns a stream that
 * inflates straight into the caller's buffer and counts what it produced; once the count passes
 * the limit it throws {@link ReadLimitException} (close 1009). A caller therefore never holds more
 * than the limit plus one buffer of a message, however small the compressed form (a
 * decompression bomb of a few KiB fails after at most limit + 1 bytes were produced).
 *
 * <p>Corrupt data fails with {@link ProtocolException} and close code 1007. A DEFLATE block with
 * BFINAL set ends a zlib stream, not the message: the rest of the message is inflated as a new
 * stream (RFC 7692 §7.2.3.4 allows senders to flush that way).
 *
 * <p><b>Zlib state.</b> With context takeover the {@link Inflater} keeps the window of earlier
 * messages and is owned for the connection's lifetime; without it, one is borrowed from a
 * process-wide pool for each message. {@link #close()} {@code end()}s what is owned. Not
 * thread-safe: one reader at a time, as for the connection.
 */
public final class MessageInflater implements AutoCloseable {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int DEFAULT_INPUT_BUFFER = 4096;
    private static final int WHOLE_MESSAGE_CHUNK = 8192;

    private final ZlibPool pool;
    private final boolean noContextTakeover;
    private final int inputBufferSize;
    private byte[] input;
    private Inflater inflater;
    private MessageStream current;
    private volatile boolean closed;

    /**
     * @param noContextTakeover whether the peer compresses every message on its own (the agreed
     *        {@link PerMessageDeflateParams#receiveNoContextTakeover(boolean)})
     */
    public MessageInflater(boolean noContextTakeover) {
        this(noContextTakeover, ZlibPool.shared(), DEFAULT_INPUT_BUFFER);
    }

    MessageInflater(boolean noContextTakeover, ZlibPool pool, int inputBufferSize) {
        this.noContextTakeover = noContextTakeover;
        this.pool = Objects.requireNonNull(pool);
        this.inputBufferSize = inputBufferSize;
    }

    /** @return whether each message is decompressed on its own */
    public boolean noContextTakeover() {
        return noContextTakeover;
    }

    /**
     * Starts the next message. A previous message's stream that was not read to its end is closed
     * first (see {@link InputStream#close()} on the returned stream).
     *
     * @param compressedPayload the message's payload as sent (all its frames, without the tail),
     *        ending with end-of-stream at the end of the final frame
     * @param limit the largest decompressed size allowed, 0 or less for none
     * @return the decompressed message; reading past the limit throws {@link ReadLimitException},
     *         corrupt data {@link ProtocolException} (1007). Closing it before its end discards the
     *         rest of the message: with context takeover it inflates (and drops) the rest so that
     *         later messages decode, without it it leaves {@code compressedPayload} where it is.
     * @throws IOException if closing the previous message fails
     */
    public synchronized InputStream newMessage(InputStream compressedPayload, long limit) throws IOException {
        Objects.requireNonNull(compressedPayload, "compressedPayload");
        if (closed) {
            throw new IllegalStateException("websocket: decompressor closed");
        }
        if (current != null) {
            current.close();
        }
        if (inflater == null) {
            inflater = noContextTakeover ? pool.borrowInflater() : pool.createInflater();
        }
        if (input == null) {
            input = new byte[inputBufferSize];
        }
        current = new MessageStream(compressedPayload, limit);
        return current;
    }

    /**
     * Decompresses a whole message held in memory.
     *
     * @param payload the compressed payload (without the tail)
     * @param limit the largest decompressed size allowed, 0 or less for none
     * @return the message
     * @throws IOException {@link ReadLimitException} past the limit (having allocated at most the
     *         limit plus {@value #WHOLE_MESSAGE_CHUNK} bytes), {@link ProtocolException} for corrupt data
     */
    public byte[] inflate(byte[] payload, long limit) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        int total = 0;
        try (InputStream in = newMessage(new ByteArrayInputStream(payload), limit)) {
            while (true) {
                byte[] chunk = new byte[WHOLE_MESSAGE_CHUNK];
                int filled = in.readNBytes(chunk, 0, chunk.length);
                if (filled > 0) {
                    chunks.add(chunk);
                    total = Math.addExact(total, filled);
                }
                if (filled < chunk.length) {
                    break;
                }
            }
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (byte[] chunk : chunks) {
            int n = Math.min(chunk.length, total - pos);
            System.arraycopy(chunk, 0, out, pos, n);
            pos += n;
        }
        return out;
    }

    /** Ends the zlib state this object holds; a message in progress fails. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            current.state = State.FAILED;
            current = null;
        }
        if (inflater != null) {
            Inflater i = inflater;
            inflater = null;
            i.end();
        }
    }

    // synchronized with close(): an inflater must never be both pooled and ended
    private synchronized void messageEnded(MessageStream s) {
        if (current == s) {
            current = null;
        }
        if (noContextTakeover && inflater != null && !closed) {
            Inflater i = inflater;
            inflater = null;
            pool.release(i);
        }
    }

    private synchronized void messageFailed(MessageStream s) {
        // The inflater's state is unknown now: never reuse or pool it. The connection fails anyway.
        if (current == s) {
            current = null;
        }
        if (inflater != null) {
            Inflater i = inflater;
            inflater = null;
            i.end();
        }
    }

    private enum State { READING, DONE, FAILED }

    /** One message's decompressed bytes. */
    private final class MessageStream extends InputStream {
        private final InputStream source;
        private final long limit;
        private long produced;
        private boolean tailGiven;
        private boolean sawInput;
        private int inputEnd; // end of the bytes last given to the inflater, in input
        private State state = State.READING;

        MessageStream(InputStream source, long limit) {
            this.source = source;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (state == State.DONE) {
                return -1;
            }
            if (state == State.FAILED) {
                throw new IOException("websocket: compressed message already failed");
            }
            if (len == 0) {
                return 0;
            }
            // Never produce more than one byte past the limit: that byte proves the excess.
            int allowed = limit > 0 ? (int) Math.min(len, limit - produced + 1) : len;
            try {
                return inflateSome(b, off, allowed, true);
            } catch (IOException | RuntimeException e) {
                state = State.FAILED;
                messageFailed(this);
                throw e;
            }
        }

        private int inflateSome(byte[] b, int off, int len, boolean counted) throws IOException {
            Inflater inf = inflater;
            while (true) {
                int n;
                try {
                    n = inf.inflate(b, off, len);
                } catch (NullPointerException e) {
                    // The JDK's way of saying that another thread ended the inflater (connection closed).
                    throw new IOException("websocket: decompressor closed", e);
                } catch (DataFormatException e) {
                    ProtocolException pe = new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA,
                            "invalid compressed data");
                    pe.initCause(e);
                    throw pe;
                }
                if (n > 0) {
                    produced += n;
                    if (counted && limit > 0 && produced > limit) {
                        throw new ReadLimitException();
                    }
                    return n;
                }
                if (inf.finished()) {
                    // BFINAL: what follows in this message is a new DEFLATE stream.
                    int remaining = inf.getRemaining();
                    inf.reset();
                    if (!tailGiven && remaining > 0) {
                        inf.setInput(input, inputEnd - remaining, remaining);
                    }
                    // Left-over bytes of our own tail after a final block carry nothing.
                    continue;
                }
                if (inf.needsInput()) {
                    if (tailGiven) {
                        state = State.DONE;
                        messageEnded(this);
                        return -1;
                    }
                    int r = source.read(input, 0, input.length);
                    if (r < 0 && !sawInput) {
                        // A payload of zero bytes is not valid DEFLATE even with the tail; some
                        // senders use it for an empty message, so it means exactly that.
                        state = State.DONE;
                        messageEnded(this);
                        return -1;
                    }
                    if (r > 0) {
                        sawInput = true;
                    }
                    if (r < 0) {
                        inf.setInput(TAIL);
                        tailGiven = true;
                    } else {
                        inf.setInput(input, 0, r);
                        inputEnd = r;
                    }
                    continue;
                }
                throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "invalid compressed data");
            }
        }

        /**
         * Discards the rest of the message: with context takeover by inflating it (the next message
         * may refer to it), without by giving the inflater back.
         */
        @Override
        public void close() throws IOException {
            if (state != State.READING) {
                return;
            }
            if (noContextTakeover) {
                state = State.DONE;
                messageEnded(this);
                return;
            }
            // Discarded bytes are not kept, so the limit does not apply to them.
            byte[] scratch = new byte[4096];
            try {
                while (inflateSome(scratch, 0, scratch.length, false) >= 0) {
                    // drop
                }
            } catch (IOException | RuntimeException e) {
                state = State.FAILED;
                messageFailed(this);
                throw e;
            }
        }
    }
}
