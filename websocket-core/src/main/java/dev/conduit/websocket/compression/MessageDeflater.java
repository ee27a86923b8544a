package dev.conduit.websocket.compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * Compresses the messages one connection sends (RFC 7692 §7.2.1): raw DEFLATE, a sync flush at the
 * end of each message and the flush's trailing {@code 00 00 FF FF} removed. An empty message
 * compresses to the single byte {@code 00}.
 *
 * <p>A message is either compressed whole ({@link #compress}) or streamed: {@link #write} any
 * number of chunks, then {@link #finishMessage}. Compressed bytes go to a {@link ByteSink} as they
 * come out of zlib, except that the last four are held back until the end of the message (they
 * may be the tail that is removed).
 *
 * <p><b>Zlib state.</b> With context takeover the {@link Deflater} keeps the window of earlier
 * messages, so this object owns one for the connection's lifetime. Without context takeover a
 * Deflater is borrowed from a process-wide pool for one message and given back reset, so idle
 * connections hold no native memory. {@link #close()} {@code end()}s what is owned; call it when
 * the connection closes. Not thread-safe: a connection's writer calls it under its write lock.
 */
public final class MessageDeflater implements AutoCloseable {
    /** gorilla's default level: fast, and most of the gain for chat-like messages. */
    public static final int DEFAULT_LEVEL = 1;
    /** gorilla's HuffmanOnly: entropy coding without string matching. */
    public static final int HUFFMAN_ONLY = -2;
    /** The lowest level ({@link #HUFFMAN_ONLY}). */
    public static final int MIN_LEVEL = -2;
    /** The highest level (best compression). */
    public static final int MAX_LEVEL = 9;

    private static final int TAIL_LENGTH = 4;
    private static final byte[] EMPTY = new byte[0];
    private static final int DEFAULT_BUFFER = 8192;

    private final ZlibPool pool;
    private final boolean noContextTakeover;
    private final byte[] buf;
    private final byte[] held = new byte[TAIL_LENGTH];
    private int heldLength;
    private Deflater deflater;
    private int level;
    private Deflater levelOwner; // the deflater levelApplied was set on (a pooled one may differ)
    private int levelApplied;
    private boolean inMessage;
    private boolean messageHasOutput;
    private volatile boolean closed;

    /**
     * @param level the compression level, -2 to 9 (see {@link #setLevel})
     * @param noContextTakeover whether every message is compressed on its own (the agreed
     *        {@link PerMessageDeflateParams#sendNoContextTakeover(boolean)})
     * @throws IllegalArgumentException for a level outside -2 to 9
     */
    public MessageDeflater(int level, boolean noContextTakeover) {
        this(level, noContextTakeover, ZlibPool.shared(), DEFAULT_BUFFER);
    }

    MessageDeflater(int level, boolean noContextTakeover, ZlibPool pool, int bufferSize) {
        checkLevel(level);
        this.level = level;
        this.noContextTakeover = noContextTakeover;
        this.pool = Objects.requireNonNull(pool);
        this.buf = new byte[bufferSize];
    }

    /**
     * Checks a compression level the way gorilla's {@code SetCompressionLevel} does.
     *
     * @param level the level
     * @throws IllegalArgumentException outside -2 to 9
     */
    public static void checkLevel(int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("websocket: invalid compression level");
        }
    }

    /**
     * Checks a minimum message size for compression (messages shorter are sent uncompressed).
     *
     * @param minSize the size in bytes
     * @return {@code minSize}
     * @throws IllegalArgumentException if negative
     */
    public static int checkMinSize(int minSize) {
        if (minSize < 0) {
            throw new IllegalArgumentException("minimum size must not be negative: " + minSize);
        }
        return minSize;
    }

    /**
     * Sets the level for the next message (a message in progress keeps its level): -2 Huffman
     * only, -1 zlib's default (6), 0 no compression (stored blocks), 1 fastest to 9 best.
     *
     * @param level the level
     * @throws IllegalArgumentException outside -2 to 9
     */
    public void setLevel(int level) {
        checkLevel(level);
        this.level = level;
    }

    /** @return the level for the next message */
    public int level() {
        return level;
    }

    /** @return whether each message is compressed on its own */
    public boolean noContextTakeover() {
        return noContextTakeover;
    }

    /**
     * Compresses a whole message.
     *
     * @param data the message payload
     * @param off where it starts
     * @param len its length
     * @return the compressed payload, tail removed
     */
    public byte[] compress(byte[] data, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, len / 2));
        try {
            write(data, off, len, out::write);
            finishMessage(out::write);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory sink failed", e); // cannot happen
        }
        return out.toByteArray();
    }

    /**
     * Adds a chunk of the current message (starting one if none is in progress).
     *
     * @param b the bytes (not kept after the call)
     * @param off where they start
     * @param len how many
     * @param out receives compressed bytes that are ready
     * @throws IOException if {@code out} fails
     */
    public void write(byte[] b, int off, int len, ByteSink out) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        Deflater d = begin(out);
        if (len == 0) {
            return;
        }
        try {
            d.setInput(b, off, len);
            // zlib copies the input into its window, so b is free once everything was consumed.
            while (!d.needsInput()) {
                emit(d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH), out);
            }
        } catch (NullPointerException e) {
            throw closedWhileInUse(e);
        }
    }

    /**
     * Ends the current message (an empty one if nothing was written): sync flush, tail removed.
     *
     * @param out receives the rest of the compressed message
     * @throws IOException if {@code out} fails
     */
    public void finishMessage(ByteSink out) throws IOException {
        Deflater d = begin(out);
        try {
            int n;
            do {
                n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                emit(n, out);
            } while (n == buf.length);
        } catch (NullPointerException e) {
            throw closedWhileInUse(e);
        }
        boolean tail = heldLength == TAIL_LENGTH && held[0] == 0 && held[1] == 0 && held[2] == (byte) 0xff
                && held[3] == (byte) 0xff;
        if (!tail) {
            if (messageHasOutput) {
                endMessage();
                throw new IllegalStateException("deflate output does not end with 00 00 ff ff");
            }
            // zlib emits nothing for a sync flush right after another one (an empty message with
            // context takeover); the empty stored block's first byte is then the whole message.
            out.write(new byte[] {0}, 0, 1);
        }
        heldLength = 0;
        endMessage();
    }

    /**
     * Abandons the current message (its writer failed); with context takeover the compressor is
     * reset, since the peer will never see the rest of the message.
     */
    public void abortMessage() {
        if (!inMessage) {
            return;
        }
        if (!noContextTakeover && deflater != null) {
            deflater.reset();
        }
        heldLength = 0;
        endMessage();
    }

    /**
     * Ends the zlib state this object holds; later use throws {@link IllegalStateException}, and a
     * message being written by another thread at that moment fails with an {@link IOException}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (deflater != null) {
            Deflater d = deflater;
            deflater = null;
            inMessage = false;
            // A borrowed deflater in the middle of a message has unknown state: end it, don't pool it.
            d.end();
        }
    }

    private Deflater begin(ByteSink out) throws IOException {
        if (inMessage) {
            Deflater d = deflater;
            if (d == null) {
                throw new IOException("websocket: compressor closed");
            }
            return d;
        }
        Deflater d = takeDeflater();
        inMessage = true;
        messageHasOutput = false;
        if (applyLevel(d, level)) {
            // The JDK applies new parameters inside its next deflate call, and zlib then compresses
            // that call's input with the old ones; a call without input makes the new level govern
            // all of this message (after a sync flush it outputs nothing).
            try {
                d.setInput(EMPTY);
                emit(d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH), out);
            } catch (NullPointerException e) {
                throw closedWhileInUse(e);
            }
        }
        return d;
    }

    // synchronized with close(): a deflater must never be both pooled and ended
    private synchronized void endMessage() {
        inMessage = false;
        if (noContextTakeover && deflater != null) {
            Deflater d = deflater;
            deflater = null;
            pool.release(d);
        }
    }

    private synchronized Deflater takeDeflater() {
        if (closed) {
            throw new IllegalStateException("websocket: compressor closed");
        }
        if (deflater == null) {
            deflater = noContextTakeover ? pool.borrowDeflater() : pool.createDeflater();
        }
        return deflater;
    }

    /** @return whether the deflater's parameters changed */
    private boolean applyLevel(Deflater d, int level) {
        if (!noContextTakeover && d == levelOwner && level == levelApplied) {
            return false;
        }
        if (level == HUFFMAN_ONLY) {
            d.setLevel(Deflater.DEFAULT_COMPRESSION);
            d.setStrategy(Deflater.HUFFMAN_ONLY);
        } else {
            d.setLevel(level);
            d.setStrategy(Deflater.DEFAULT_STRATEGY);
        }
        levelOwner = d;
        levelApplied = level;
        return true;
    }

    /** The JDK throws NullPointerException from a Deflater that another thread ended. */
    private static IOException closedWhileInUse(NullPointerException e) {
        return new IOException("websocket: compressor closed", e);
    }

    /** Passes on all but the last four bytes produced so far in this message. */
    private void emit(int n, ByteSink out) throws IOException {
        if (n <= 0) {
            return;
        }
        messageHasOutput = true;
        if (n >= TAIL_LENGTH) {
            if (heldLength > 0) {
                out.write(held, 0, heldLength);
            }
            if (n > TAIL_LENGTH) {
                out.write(buf, 0, n - TAIL_LENGTH);
            }
            System.arraycopy(buf, n - TAIL_LENGTH, held, 0, TAIL_LENGTH);
            heldLength = TAIL_LENGTH;
            return;
        }
        int overflow = heldLength + n - TAIL_LENGTH;
        if (overflow > 0) {
            out.write(held, 0, overflow);
            System.arraycopy(held, overflow, held, 0, heldLength - overflow);
            heldLength -= overflow;
        }
        System.arraycopy(buf, 0, held, heldLength, n);
        heldLength += n;
    }
}
