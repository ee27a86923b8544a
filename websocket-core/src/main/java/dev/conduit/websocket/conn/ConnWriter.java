package dev.conduit.websocket.conn;

import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.WebSocketException;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.frame.FrameEncoder;
import dev.conduit.websocket.frame.Opcode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The message layer of a connection's write side. Two locks make concurrent writers safe without
 * corrupting the stream: the {@link MessageLock} (a semaphore, since a streamed message may be
 * finished by another thread than the one that began it) keeps data messages whole, and the frame
 * lock of {@link FrameWriter} serialises single frames, so control frames can pass between the
 * fragments of a streamed message. Neither is a monitor: a virtual thread blocked in a write never
 * pins its carrier.
 * <p>
 * The write buffer ({@link MessageLock#buffer()}) is allocated only when a message needs it (a
 * message stream, or a client's masked frame larger than {@link FrameWriter#SMALL_FRAME_SIZE}): a
 * server that answers with {@code writeMessage} or broadcasts prepared messages never holds one,
 * so its idle connections do not keep 4 KiB each.
 */
final class ConnWriter {
    private final FrameWriter frames;
    private final boolean client;
    private final int bufferSize;
    private final ConnListener listener;
    private final Duration controlTimeout;

    private final MessageLock messageLock;
    private StreamWriter openWriter;
    /** permessage-deflate, or null when not negotiated; its compressor is used under the message lock. */
    private ConnCompression compression;

    ConnWriter(NetConn net, boolean client, ConnSettings settings, ConnListener listener, CloseTracker closes) {
        this.frames = new FrameWriter(net, client, settings, listener, closes);
        this.client = client;
        this.bufferSize = settings.writeBufferSize;
        this.messageLock = new MessageLock(settings.writeBufferSize, settings.writeBufferPool);
        this.listener = listener;
        this.controlTimeout = settings.controlTimeout;
    }

    void useCompression(ConnCompression compression) {
        this.compression = compression;
    }

    private boolean compresses(int messageType, long length) {
        ConnCompression c = compression;
        return c != null && c.compressOutgoing(messageType, length);
    }

    /** @return whether the frame layer holds its buffers (for tests: none until the first write) */
    boolean holdsFrameBuffers() {
        return frames.holdsFrameBuffers();
    }

    /** Sets the deadline of later writes (see {@link FrameWriter#setWriteDeadline}). */
    void setWriteDeadline(Instant deadline) {
        frames.setWriteDeadline(deadline);
    }

    // ---- data messages -------------------------------------------------------------------

    void writeMessage(int messageType, byte[] data, int off, int len) throws IOException {
        if (isControlType(messageType)) {
            byte[] payload = new byte[len];
            System.arraycopy(data, off, payload, 0, len);
            writeControl(messageType, payload, null);
            return;
        }
        checkDataType(messageType);
        closeOwnOpenWriter();
        acquireMessage();
        try {
            if (compresses(messageType, len)) {
                // Compressed under the message lock: with context takeover, order is part of the stream.
                byte[] z = compression.compress(data, off, len);
                writeFrame(true, true, messageType, z, 0, z.length);
            } else {
                writeFrame(true, messageType, data, off, len);
            }
            listener.messageWritten(messageType, len);
        } finally {
            releaseMessage();
        }
    }

    void writePrepared(PreparedMessage message) throws IOException {
        int type = message.messageType();
        if (isControlType(type)) {
            writeControl(type, message.data(), null);
            return;
        }
        closeOwnOpenWriter();
        if (!client) {
            byte[] wire = PreparedFrames.sharedServerFrame(message, compression);
            if (wire != null) {
                writeWireMessage(type, wire, message.length());
                return;
            }
        } else if (!compresses(type, message.length())) {
            // A client frame needs a fresh mask per connection (gorilla shares one): frame it here.
            writeSingleFrameMessage(false, type, PreparedFrames.raw(message), message.length());
            return;
        } else if (compression.sendsStandaloneMessages()) {
            writeSingleFrameMessage(true, type, PreparedFrames.standalonePayload(message, compression.level()),
                    message.length());
            return;
        }
        // Compressed with context takeover: the bytes depend on this connection's history, so the
        // message is compressed here like any other.
        byte[] raw = PreparedFrames.raw(message);
        writeMessage(type, raw, 0, raw.length);
    }

    /**
     * Prepared messages in order. On the server, runs of messages whose frame every connection
     * shares (not compressed, or compressed without context takeover on our side) go to the
     * transport together under one hold of the message lock ({@link NetConn#writeFrames}); any
     * other message, and every message of a client, is written as by {@link #writePrepared}.
     */
    void writePrepared(List<PreparedMessage> messages) throws IOException {
        int n = messages.size();
        if (client || n == 1) {
            for (PreparedMessage m : messages) {
                writePrepared(m);
            }
            return;
        }
        closeOwnOpenWriter();
        byte[][] wires = new byte[n][];
        int from = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            PreparedMessage m = messages.get(i);
            byte[] wire = isControlType(m.messageType()) ? null : PreparedFrames.sharedServerFrame(m, compression);
            if (wire != null) {
                wires[count++] = wire;
                continue;
            }
            writeWireMessages(messages, from, wires, count);
            count = 0;
            from = i + 1;
            writePrepared(m);
        }
        writeWireMessages(messages, from, wires, count);
    }

    /** Server frames encoded once, for {@code messages} from {@code from} on, written together. */
    private void writeWireMessages(List<PreparedMessage> messages, int from, byte[][] wires, int count) throws IOException {
        if (count == 0) {
            return;
        }
        acquireMessage();
        try {
            frames.writeEncodedFrames(wires, count);
            for (int i = from; i < from + count; i++) {
                PreparedMessage m = messages.get(i);
                listener.messageWritten(m.messageType(), m.length());
            }
        } finally {
            releaseMessage();
        }
    }

    /** One whole message as one (masked, on the client) frame, under the message lock. */
    private void writeSingleFrameMessage(boolean rsv1, int type, byte[] payload, long messageLength) throws IOException {
        acquireMessage();
        try {
            writeFrame(true, rsv1, type, payload, 0, payload.length);
            listener.messageWritten(type, messageLength);
        } finally {
            releaseMessage();
        }
    }

    /** A server frame encoded once (for a PreparedMessage), written as it is. */
    private void writeWireMessage(int type, byte[] wire, long messageLength) throws IOException {
        acquireMessage();
        try {
            frames.writeEncodedFrame(wire);
            listener.messageWritten(type, messageLength);
        } finally {
            releaseMessage();
        }
    }

    OutputStream nextWriter(int messageType) throws IOException {
        closeOwnOpenWriter();
        if (isControlType(messageType)) {
            return new ControlWriter(this, messageType);
        }
        checkDataType(messageType);
        checkWritable();
        acquireMessage();
        StreamWriter w;
        try {
            messageBuffer(); // a stream fills the buffer (from the pool, as gorilla's NextWriter takes it)
            w = new StreamWriter(messageType);
        } catch (RuntimeException e) {
            releaseMessage(); // the compression was closed under us
            throw e;
        }
        openWriter = w;
        return w;
    }

    private void closeOwnOpenWriter() {
        StreamWriter w = openWriter;
        if (w != null && messageLock.heldByCurrentThread()) {
            try {
                w.close();
            } catch (IOException ignored) {
                // gorilla ignores it too: the error is now the connection's write error.
            }
        }
    }

    private void acquireMessage() throws IOException {
        checkWritable();
        messageLock.acquire(frames.writeDeadline());
    }

    /** The write buffer ({@link MessageLock#buffer()}); the caller holds the message lock. */
    private byte[] messageBuffer() {
        return messageLock.buffer();
    }

    private void releaseMessage() {
        openWriter = null;
        messageLock.release();
    }

    // ---- control messages ----------------------------------------------------------------

    void writeControl(int messageType, byte[] data, Instant deadline) throws IOException {
        if (!isControlType(messageType)) {
            throw new IllegalArgumentException("websocket: bad write message type " + messageType + " for a control message");
        }
        if (data.length > 125) {
            throw new IllegalArgumentException("websocket: invalid control frame: payload of " + data.length + " bytes");
        }
        frames.writeControl(messageType, data, deadline);
    }

    /** Sends a pong for a ping, or leaves it to the frame lock's holder (see {@link FrameWriter#queuePong}). */
    void queuePong(byte[] payload) {
        frames.queuePong(payload);
    }

    /** Best-effort close reply or error close: bounded wait, errors ignored (the read error wins). */
    void sendCloseQuietly(int code, String reason) {
        try {
            writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(code, truncate(reason)),
                    Instant.now().plus(controlTimeout));
        } catch (IOException | RuntimeException ignored) {
            // Close already sent, transport gone or busy: nothing more can be said to the peer.
        }
    }

    /**
     * The close handler's reply, bounded by the control timeout. If it cannot go out in time the
     * transport is closed: the peer already said goodbye and will not read what follows.
     */
    void sendCloseReplyQuietly(byte[] payload) {
        try {
            writeControl(WebSocket.CLOSE_MESSAGE, payload, Instant.now().plus(controlTimeout));
        } catch (CloseSentException ignored) {
            // We closed first: the peer's close completes the handshake.
        } catch (IOException | RuntimeException e) {
            // As gorilla's default close handler, the error is not the reader's; the transport goes.
            frames.closeTransportQuietly();
        }
    }

    // ---- frames --------------------------------------------------------------------------

    /** Writes one data frame; the caller holds the message lock, so the write buffer is its own. */
    private void writeFrame(boolean fin, int opcode, byte[] data, int off, int len) throws IOException {
        writeFrame(fin, false, opcode, data, off, len);
    }

    /** Writes one data frame; {@code rsv1} marks the first frame of a compressed message. */
    private void writeFrame(boolean fin, boolean rsv1, int opcode, byte[] data, int off, int len) throws IOException {
        // A client masks through the write buffer a payload larger than the frame layer's own buffer.
        byte[] maskBuffer = client && len > FrameWriter.SMALL_FRAME_SIZE ? messageBuffer() : null;
        frames.writeFrame(fin, rsv1, opcode, data, off, len, maskBuffer);
    }

    /** Writes a frame whose payload already sits in the write buffer after a header gap. */
    private void writeBufferedFrame(boolean fin, boolean rsv1, int opcode, int payloadLen) throws IOException {
        frames.writeBufferedFrame(messageBuffer(), fin, rsv1, opcode, payloadLen);
    }

    private void checkWritable() throws IOException {
        frames.checkWritable();
    }

    private static boolean isControlType(int t) {
        return t == WebSocket.CLOSE_MESSAGE || t == WebSocket.PING_MESSAGE || t == WebSocket.PONG_MESSAGE;
    }

    private static void checkDataType(int t) {
        if (t != WebSocket.TEXT_MESSAGE && t != WebSocket.BINARY_MESSAGE) {
            throw new IllegalArgumentException("websocket: bad write message type " + t);
        }
    }

    private static String truncate(String reason) {
        // Protocol error reasons are ASCII; 123 bytes is what fits beside the code.
        return reason.length() <= 123 ? reason : reason.substring(0, 123);
    }

    // ---- streams -------------------------------------------------------------------------

    /** The stream of {@code nextWriter} for data messages: fills the buffer, sends full buffers as fragments. */
    private final class StreamWriter extends OutputStream {
        private final int messageType;
        /** The compressor when this message is compressed (then RSV1 goes on its first frame). */
        private final MessageDeflater deflater;
        private int opcode;
        private int count;
        private long total;
        private boolean closed;

        StreamWriter(int messageType) {
            this.messageType = messageType;
            this.opcode = messageType;
            // Created under the message lock: the compressor is this message's alone.
            this.deflater = compresses(messageType, -1) ? compression.deflater() : null;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ensureOpen();
            try {
                if (deflater != null) {
                    deflater.write(b, off, len, this::append);
                    total += len;
                    return;
                }
                int capacity = bufferSize;
                if (!client && len > 2 * capacity) {
                    // Large writes skip the copy: what is buffered goes first, then the array itself.
                    if (count > 0) {
                        sendFragment();
                    }
                    writeFrame(false, opcode, b, off, len);
                    opcode = Opcode.CONTINUATION;
                    total += len;
                    return;
                }
                total += len;
                append(b, off, len);
            } catch (IOException | RuntimeException e) {
                abandon();
                throw e;
            }
        }

        /** Adds bytes to the buffer (compressed bytes when compressing), sending full buffers. */
        private void append(byte[] b, int off, int len) throws IOException {
            int capacity = bufferSize;
            while (len > 0) {
                if (count == capacity) {
                    // Flush lazily: a buffer that is exactly full at close() becomes the final frame.
                    sendFragment();
                }
                int n = Math.min(len, capacity - count);
                System.arraycopy(b, off, messageBuffer(), FrameEncoder.MAX_HEADER_SIZE + count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            boolean finished = false;
            try {
                if (deflater != null) {
                    deflater.finishMessage(this::append);
                }
                writeBufferedFrame(true, isFirstCompressedFrame(), opcode, count);
                finished = true;
                listener.messageWritten(messageType, total);
            } finally {
                if (!finished && deflater != null) {
                    deflater.abortMessage();
                }
                closed = true;
                releaseMessage();
            }
        }

        private void sendFragment() throws IOException {
            writeBufferedFrame(false, isFirstCompressedFrame(), opcode, count);
            opcode = Opcode.CONTINUATION;
            count = 0;
        }

        private boolean isFirstCompressedFrame() {
            return deflater != null && opcode != Opcode.CONTINUATION;
        }

        private void ensureOpen() throws IOException {
            if (closed || openWriter != this) {
                throw new WebSocketException("websocket: write closed");
            }
        }

        private void abandon() {
            if (!closed) {
                closed = true;
                if (deflater != null) {
                    deflater.abortMessage();
                }
                releaseMessage();
            }
        }
    }
}
