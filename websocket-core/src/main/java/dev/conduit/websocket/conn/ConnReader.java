package dev.conduit.websocket.conn;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.CloseHandler;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.PingHandler;
import dev.conduit.websocket.PongHandler;
import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.frame.ClosePayload;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import dev.conduit.websocket.frame.Opcode;
import dev.conduit.websocket.frame.Utf8Validator;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read side of a connection: turns frames into messages, enforces the rules that span frames
 * (fragment order, read limit, UTF-8 of text), runs the control-frame handlers on the reading
 * thread, and makes the first error permanent.
 */
final class ConnReader {
    /** The largest byte[] the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private final FrameReader frames;
    private final ConnWriter writer;
    private final ConnListener listener;
    private final CloseTracker closes;
    /** Held for the duration of every read call, so a graceful close knows whether someone reads. */
    final ReentrantLock readLock = new ReentrantLock();

    private volatile IOException readError;
    private long readLimit;
    private long messageLength;
    private boolean fragmentOpen;
    /** A header failed to parse: where the next frame starts is unknown. */
    private boolean frameBoundaryLost;
    private MessageStream current;
    /** permessage-deflate, or null when not negotiated. */
    private ConnCompression compression;
    /** Whether the message being read is compressed (RSV1 on its first frame). */
    private boolean messageCompressed;

    private final PingHandler defaultPingHandler;
    private final PongHandler defaultPongHandler = appData -> {
    };
    private final CloseHandler defaultCloseHandler;
    private volatile PingHandler pingHandler;
    private volatile PongHandler pongHandler;
    private volatile CloseHandler closeHandler;

    ConnReader(FrameReader frames, ConnWriter writer, ConnSettings settings, ConnListener listener, CloseTracker closes) {
        this.frames = frames;
        this.writer = writer;
        this.listener = listener;
        this.closes = closes;
        this.readLimit = settings.readLimit;
        this.defaultPingHandler = writer::queuePong;
        this.defaultCloseHandler = (code, text) -> writer.sendCloseReplyQuietly(
                code == WebSocket.CLOSE_NO_STATUS_RECEIVED ? new byte[0] : WebSocket.formatCloseMessage(code, ""));
        this.pingHandler = defaultPingHandler;
        this.pongHandler = defaultPongHandler;
        this.closeHandler = defaultCloseHandler;
    }

    void useCompression(ConnCompression compression) {
        this.compression = compression;
    }

    // ---- messages ------------------------------------------------------------------------

    MessageReader nextReader() throws IOException {
        readLock.lock();
        try {
            return nextReaderLocked();
        } finally {
            readLock.unlock();
        }
    }

    private MessageReader nextReaderLocked() throws IOException {
        checkReadable();
        try {
            if (current != null) {
                MessageStream previous = current;
                previous.stale = true;
                current = null;
                // With context takeover the rest of a compressed message must still pass through
                // the decompressor, or the next message would not decode.
                previous.discardCompressed();
            }
            while (true) {
                FrameHeader h = nextDataFrame();
                if (h.opcode() == Opcode.CONTINUATION) {
                    continue; // the rest of a message the application abandoned: skipped unread
                }
                current = new MessageStream(h.opcode(), h.fin(), messageCompressed);
                return new MessageReader(h.opcode(), current);
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    Message readMessage() throws IOException {
        readLock.lock();
        try {
            MessageReader r = nextReaderLocked();
            MessageStream s = (MessageStream) r.reader();
            // Size the array from the first frame, but never trust a peer's length for more than 64 KiB up front.
            byte[] data = new byte[(int) Math.min(frames.remaining(), 64 * 1024)];
            int n = 0;
            while (true) {
                if (n == data.length && s.lastFrameFullyRead()) {
                    // Exactly full and nothing more to come: finish without growing the array.
                    s.readLocked(new byte[1], 0, 1);
                    break;
                }
                if (n == data.length) {
                    if (n >= MAX_ARRAY) {
                        throw new ReadLimitException(); // no byte[] holds more; a read limit avoids this
                    }
                    // Grow by doubling what arrived, at most to the end of this frame: a declared length
                    // alone must not size the array (a peer could declare 2^62 and send 64 KiB).
                    long want = Math.max(data.length * 2L, 256);
                    long rest = frames.remaining();
                    if (rest > 0 && rest < want - n) {
                        want = n + rest; // compared as a difference: n + rest could overflow
                    }
                    data = Arrays.copyOf(data, (int) Math.min(want, MAX_ARRAY));
                }
                int r2 = s.readLocked(data, n, data.length - n);
                if (r2 < 0) {
                    break;
                }
                n += r2;
            }
            return new Message(r.messageType(), n == data.length ? data : Arrays.copyOf(data, n));
        } finally {
            readLock.unlock();
        }
    }

    /** Reads frames until the peer's close or an error; used by a graceful close. */
    void drainUntilClosed() {
        try {
            while (true) {
                nextReader().reader().transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            // The close (or a timeout) ends the drain; it is the read error now.
        }
    }

    /**
     * After an error close: skips the peer's frames until its close frame, so the caller can close
     * the transport right after the close handshake instead of waiting for the peer's FIN (a peer
     * that follows RFC 6455 §7.1.1 waits for the server to close TCP first). Only while the frame
     * boundaries are still known; after a bad header the caller discards raw bytes instead.
     *
     * @return true when the peer's close frame arrived, false if the frames stopped parsing
     * @throws IOException the transport's error, its end or the read deadline
     */
    boolean skipUntilPeerClose() throws IOException {
        if (frameBoundaryLost) {
            return false;
        }
        try {
            while (frames.readHeader().opcode() != Opcode.CLOSE) {
                // data and control frames alike: the connection is failed, nothing is delivered
            }
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    void setReadLimit(long limit) {
        this.readLimit = limit;
    }

    IOException readError() {
        return readError;
    }

    // ---- frames --------------------------------------------------------------------------

    /** Reads frames, handling control frames in place, until a data or continuation frame. */
    private FrameHeader nextDataFrame() throws IOException {
        while (true) {
            FrameHeader h;
            try {
                h = frames.readHeader();
            } catch (ProtocolException e) {
                frameBoundaryLost = true; // the bad header's length cannot be trusted to find the next one
                throw e;
            }
            int op = h.opcode();
            if (Opcode.isControl(op)) {
                handleControl(op);
                continue;
            }
            if (op == Opcode.CONTINUATION && !fragmentOpen) {
                throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "continuation after FIN");
            }
            if (op != Opcode.CONTINUATION && fragmentOpen) {
                throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "data before FIN");
            }
            fragmentOpen = !h.fin();
            if (op != Opcode.CONTINUATION) {
                messageLength = 0;
                // The frame reader allows RSV1 only here, and only when compression was negotiated.
                messageCompressed = h.rsv1();
            }
            // Saturating: two 63-bit lengths would wrap to a negative total and slip past the limit.
            messageLength = h.payloadLength() > Long.MAX_VALUE - messageLength ? Long.MAX_VALUE
                    : messageLength + h.payloadLength();
            long limit = readLimit;
            if (messageCompressed) {
                // The limit applies to the inflated size (checked while inflating); the compressed
                // size only gets a loose cap, so a stream of empty blocks cannot go on forever.
                limit = compressedSizeCap(inflatedLimit());
            }
            // Checked at the header, before any of the payload is read.
            if (limit > 0 && messageLength > limit) {
                writer.sendCloseQuietly(WebSocket.CLOSE_MESSAGE_TOO_BIG, "");
                throw new ReadLimitException();
            }
            return h;
        }
    }

    /**
     * The bound of a compressed message's inflated size: the read limit, or, when none is set,
     * {@link ConnSettings#DEFAULT_INFLATED_LIMIT}, so that a deflate bomb never inflates without end
     * (an uncompressed message without a read limit stays unbounded, as in gorilla).
     */
    private long inflatedLimit() {
        long limit = readLimit;
        return limit > 0 ? limit : ConnSettings.DEFAULT_INFLATED_LIMIT;
    }

    /** DEFLATE expands incompressible data by a few bytes per 64 KiB stored block; twice is ample. */
    private static long compressedSizeCap(long limit) {
        return limit > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : 2 * limit + 1024;
    }

    private void handleControl(int op) throws IOException {
        byte[] payload = frames.readFullPayload();
        switch (op) {
            case Opcode.PING -> {
                listener.controlReceived(WebSocket.PING_MESSAGE);
                pingHandler.handle(payload);
            }
            case Opcode.PONG -> {
                listener.controlReceived(WebSocket.PONG_MESSAGE);
                pongHandler.handle(payload);
            }
            default -> {
                ClosePayload close = ClosePayload.parse(payload, payload.length);
                closes.closeReceived(close.code());
                closeHandler.handle(close.code(), close.reason());
                throw new CloseException(close.code(), close.reason());
            }
        }
    }

    private void checkReadable() throws IOException {
        IOException e = readError;
        if (e != null) {
            throw e;
        }
    }

    /** Makes {@code e} the permanent read error (first one wins) and tells the peer why. */
    private IOException fail(IOException e) {
        if (readError != null) {
            return readError;
        }
        IOException stored = e;
        if (e instanceof ProtocolException pe) {
            listener.error(pe.closeCode() == WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA
                    ? ConnListener.ErrorKind.INVALID_UTF8 : ConnListener.ErrorKind.PROTOCOL, pe);
            writer.sendCloseQuietly(pe.closeCode(), pe.getMessage().substring("websocket: ".length()));
        } else if (e instanceof ReadLimitException) {
            listener.error(ConnListener.ErrorKind.MESSAGE_TOO_BIG, e);
        } else if (e instanceof EOFException) {
            // A peer that drops TCP, between frames or inside one, reads as abnormal closure (gorilla).
            stored = new CloseException(WebSocket.CLOSE_ABNORMAL_CLOSURE, "unexpected EOF", e);
            closes.transportLost();
            listener.error(ConnListener.ErrorKind.IO, e);
        } else if (e instanceof SocketTimeoutException) {
            listener.error(ConnListener.ErrorKind.TIMEOUT, e);
        } else if (!(e instanceof CloseException)) {
            closes.transportLost();
            listener.error(ConnListener.ErrorKind.IO, e);
        }
        readError = stored;
        closes.readSideDone();
        return stored;
    }

    // ---- handlers ------------------------------------------------------------------------

    void setPingHandler(PingHandler h) {
        pingHandler = h == null ? defaultPingHandler : h;
    }

    PingHandler pingHandler() {
        return pingHandler;
    }

    void setPongHandler(PongHandler h) {
        pongHandler = h == null ? defaultPongHandler : h;
    }

    PongHandler pongHandler() {
        return pongHandler;
    }

    void setCloseHandler(CloseHandler h) {
        closeHandler = h == null ? defaultCloseHandler : h;
    }

    CloseHandler closeHandler() {
        return closeHandler;
    }

    /** One message's payload. Reads validate text as they go, so invalid UTF-8 fails fast. */
    private final class MessageStream extends InputStream {
        private final int messageType;
        private final Utf8Validator utf8;
        /** The inflated message when it is compressed, reading the payload through {@link #readRaw}. */
        private final InputStream inflated;
        private boolean lastFrame;
        private boolean done;
        private long length;
        volatile boolean stale;

        MessageStream(int messageType, boolean fin, boolean compressed) throws IOException {
            this.messageType = messageType;
            this.utf8 = messageType == WebSocket.TEXT_MESSAGE ? new Utf8Validator() : null;
            this.lastFrame = fin;
            this.inflated = compressed ? compression.inflater().newMessage(new InputStream() {
                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return readRaw(b, off, len);
                }
            }, inflatedLimit()) : null;
        }

        /** The payload as sent, across the message's frames; -1 after the last frame. */
        private int readRaw(byte[] b, int off, int len) throws IOException {
            while (true) {
                if (frames.remaining() > 0) {
                    return frames.readPayload(b, off, len);
                }
                if (lastFrame) {
                    return -1;
                }
                FrameHeader h = nextDataFrame();
                if (h.opcode() != Opcode.CONTINUATION) {
                    throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "data before FIN");
                }
                lastFrame = h.fin();
            }
        }

        /** A compressed message abandoned unread: let the decompressor see the rest. */
        void discardCompressed() throws IOException {
            if (inflated != null && !done) {
                done = true;
                inflated.close();
            }
        }

        private int readInflated(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = inflated.read(b, off, len);
            } catch (ReadLimitException e) {
                writer.sendCloseQuietly(WebSocket.CLOSE_MESSAGE_TOO_BIG, "");
                throw e;
            }
            if (n > 0) {
                if (utf8 != null && !utf8.update(b, off, n)) {
                    throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "invalid UTF-8 in text message");
                }
                length += n;
                return n;
            }
            if (n == 0) {
                return 0;
            }
            if (utf8 != null && !utf8.isComplete()) {
                throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "text message ends inside a UTF-8 sequence");
            }
            done = true;
            listener.messageRead(messageType, length);
            return -1;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            do {
                n = read(one, 0, 1);
            } while (n == 0);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readLock.lock();
            try {
                return readLocked(b, off, len);
            } finally {
                readLock.unlock();
            }
        }

        int readLocked(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length); // a negative length would read 0 forever
            if (stale || done) {
                return -1;
            }
            checkReadable();
            if (len == 0) {
                return 0;
            }
            try {
                if (inflated != null) {
                    return readInflated(b, off, len);
                }
                while (true) {
                    if (frames.remaining() > 0) {
                        int n = frames.readPayload(b, off, len);
                        if (utf8 != null && !utf8.update(b, off, n)) {
                            throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "invalid UTF-8 in text message");
                        }
                        length += n;
                        return n;
                    }
                    if (lastFrame) {
                        if (utf8 != null && !utf8.isComplete()) {
                            throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "text message ends inside a UTF-8 sequence");
                        }
                        done = true;
                        listener.messageRead(messageType, length);
                        return -1;
                    }
                    FrameHeader h = nextDataFrame();
                    if (h.opcode() != Opcode.CONTINUATION) {
                        throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "data before FIN");
                    }
                    lastFrame = h.fin();
                }
            } catch (IOException e) {
                throw fail(e);
            }
        }

        /** Whether the message's last frame has been read to its end (the next read returns -1). */
        boolean lastFrameFullyRead() {
            // A compressed message may still have inflated bytes pending after its last frame.
            return inflated == null && lastFrame && frames.remaining() == 0;
        }

        @Override
        public int available() {
            if (inflated != null) {
                return 0; // the inflated size is unknown until inflated
            }
            return stale || done ? 0 : (int) Math.min(frames.remaining(), Integer.MAX_VALUE);
        }
    }
}
