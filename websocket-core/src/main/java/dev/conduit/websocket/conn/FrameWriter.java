package dev.conduit.websocket.conn;

import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.frame.FrameEncoder;
import dev.conduit.websocket.frame.Masking;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The frame layer of a connection's write side: builds each frame's header, hands header and
 * payload to the transport in one {@link NetConn#write(byte[], int, int, byte[], int, int)} call
 * followed by a flush (the transport's write contract), and serialises frames with the frame lock
 * so that control frames can pass between the fragments of a streamed message. It also applies
 * the write deadline to the transport, sends queued pongs, and keeps the first write error, after
 * which every write fails.
 */
final class FrameWriter {
    /** The largest payload copied next to its header in this class's own buffer (a client's: masked there). */
    static final int SMALL_FRAME_SIZE = 256;

    private final NetConn net;
    private final boolean client;
    private final ConnListener listener;
    private final CloseTracker closes;
    /** The bound of automatic control frames (pongs, close replies), and of the wait for the frame lock they need. */
    private final Duration controlTimeout;

    private final ReentrantLock frameLock = new ReentrantLock();
    /**
     * Control frames and small frames are assembled here, under the frame lock; allocated by the
     * first frame that needs it, so that a connection that has written nothing holds none.
     */
    private byte[] smallFrame;
    /** A server data frame's header (its payload stays in the caller's array); allocated as {@link #smallFrame}. */
    private byte[] header;
    private final AtomicReference<byte[]> pendingPong = new AtomicReference<>();

    private volatile IOException writeError;
    private volatile Instant writeDeadline;
    /** The deadline last given to the transport; guarded by the frame lock. */
    private Instant appliedDeadline;
    private boolean appliedDeadlineUnknown = true;

    FrameWriter(NetConn net, boolean client, ConnSettings settings, ConnListener listener, CloseTracker closes) {
        this.net = net;
        this.client = client;
        this.listener = listener;
        this.closes = closes;
        this.controlTimeout = settings.controlTimeout;
    }

    boolean client() {
        return client;
    }

    /**
     * Sets the deadline of later writes. It waits for nobody: each frame applies its own deadline
     * to the transport when it takes the frame lock, so a writer blocked right now is not held up.
     */
    void setWriteDeadline(Instant deadline) {
        writeDeadline = deadline;
    }

    Instant writeDeadline() {
        return writeDeadline;
    }

    void checkWritable() throws IOException {
        IOException e = writeError;
        if (e != null) {
            throw e;
        }
    }

    // ---- data frames ---------------------------------------------------------------------

    /**
     * Writes one data frame from the caller's array; {@code rsv1} marks the first frame of a
     * compressed message. A server copies a payload of up to {@link #SMALL_FRAME_SIZE} bytes next
     * to its header and hands a larger one to the transport as it is, for a gathering write. A client
     * masks through a buffer (the caller's array must not change): its own for a payload of up to
     * {@link #SMALL_FRAME_SIZE} bytes, otherwise {@code maskBuffer} (the write buffer, with a
     * header gap), piece by piece when it does not hold the whole payload.
     */
    void writeFrame(boolean fin, boolean rsv1, int opcode, byte[] data, int off, int len, byte[] maskBuffer)
            throws IOException {
        lockFrame(writeDeadline);
        try {
            checkWritable();
            if (!client && len <= SMALL_FRAME_SIZE) {
                // Header and payload side by side: the transport sends one array, no gathering.
                byte[] frame = smallFrame();
                int h = FrameEncoder.writeHeader(frame, 0, fin, rsv1, opcode, len, false, 0);
                System.arraycopy(data, off, frame, h, len);
                send(frame, 0, h, frame, h, len);
                return;
            }
            if (!client) {
                if (header == null) {
                    header = new byte[FrameEncoder.MAX_HEADER_SIZE];
                }
                int h = FrameEncoder.writeHeader(header, 0, fin, rsv1, opcode, len, false, 0);
                send(header, 0, h, data, off, len);
                return;
            }
            // Header and masked payload side by side in one buffer: the payload after a gap of
            // MAX_HEADER_SIZE bytes, the header right before it.
            int key = Masking.newKey();
            int h = FrameEncoder.headerSize(len, true);
            int start = FrameEncoder.MAX_HEADER_SIZE - h;
            byte[] buf = len <= SMALL_FRAME_SIZE ? smallFrame() : maskBuffer;
            FrameEncoder.writeHeader(buf, start, fin, rsv1, opcode, len, true, key);
            int room = buf.length - FrameEncoder.MAX_HEADER_SIZE;
            int n = Math.min(room, len);
            System.arraycopy(data, off, buf, FrameEncoder.MAX_HEADER_SIZE, n);
            long maskPos = Masking.mask(buf, FrameEncoder.MAX_HEADER_SIZE, n, key, 0);
            write(buf, start, h, buf, FrameEncoder.MAX_HEADER_SIZE, n);
            for (int done = n; done < len; done += n) {
                n = Math.min(room, len - done);
                System.arraycopy(data, off + done, buf, FrameEncoder.MAX_HEADER_SIZE, n);
                maskPos = Masking.mask(buf, FrameEncoder.MAX_HEADER_SIZE, n, key, maskPos);
                writeMore(buf, FrameEncoder.MAX_HEADER_SIZE, n);
            }
            flush();
        } finally {
            unlockFrame();
        }
    }

    /**
     * Writes a frame whose payload sits in {@code buf} after a gap of
     * {@link FrameEncoder#MAX_HEADER_SIZE} bytes: the header goes into the gap, right before it.
     */
    void writeBufferedFrame(byte[] buf, boolean fin, boolean rsv1, int opcode, int payloadLen) throws IOException {
        lockFrame(writeDeadline);
        try {
            checkWritable();
            int key = client ? Masking.newKey() : 0;
            int h = FrameEncoder.headerSize(payloadLen, client);
            int start = FrameEncoder.MAX_HEADER_SIZE - h;
            FrameEncoder.writeHeader(buf, start, fin, rsv1, opcode, payloadLen, client, key);
            if (client) {
                Masking.mask(buf, FrameEncoder.MAX_HEADER_SIZE, payloadLen, key, 0);
            }
            send(buf, start, h, buf, FrameEncoder.MAX_HEADER_SIZE, payloadLen);
        } finally {
            unlockFrame();
        }
    }

    /** Writes a whole unmasked frame encoded beforehand (a PreparedMessage's server frame), as it is. */
    void writeEncodedFrame(byte[] wire) throws IOException {
        lockFrame(writeDeadline);
        try {
            checkWritable();
            int lengthCode = wire[1] & 0x7F;
            int h = lengthCode < 126 ? 2 : lengthCode == 126 ? 4 : 10;
            send(wire, 0, h, wire, h, wire.length - h);
        } finally {
            unlockFrame();
        }
    }

    /** Writes whole unmasked frames encoded beforehand, in order, handed to the transport together. */
    void writeEncodedFrames(byte[][] wires, int count) throws IOException {
        lockFrame(writeDeadline);
        try {
            checkWritable();
            try {
                net.writeFrames(wires, count);
            } catch (IOException e) {
                fail(e);
                throw e;
            }
            flush();
        } finally {
            unlockFrame();
        }
    }

    // ---- control frames ------------------------------------------------------------------

    void writeControl(int messageType, byte[] data, Instant deadline) throws IOException {
        if (deadline != null && !Instant.now().isBefore(deadline)) {
            throw new SocketTimeoutException("websocket: write timeout");
        }
        lockFrame(deadline);
        try {
            checkWritable();
            transportDeadline(deadline != null ? deadline : writeDeadline);
            writeControlLocked(messageType, data);
            if (messageType == WebSocket.CLOSE_MESSAGE) {
                // Under the frame lock, so two closing threads cannot both pass checkWritable and
                // send two close frames. Every later write fails: RFC 6455 §5.5.1 allows nothing after.
                closes.closeSent(data);
                writeError = new CloseSentException();
            }
        } finally {
            unlockFrame();
        }
        if (messageType != WebSocket.CLOSE_MESSAGE) {
            listener.controlSent(messageType);
        }
    }

    private void writeControlLocked(int opcode, byte[] data) throws IOException {
        int key = client ? Masking.newKey() : 0;
        byte[] frame = smallFrame();
        int h = FrameEncoder.writeHeader(frame, 0, true, false, opcode, data.length, client, key);
        System.arraycopy(data, 0, frame, h, data.length);
        if (client) {
            Masking.mask(frame, h, data.length, key, 0);
        }
        send(frame, 0, h, frame, h, data.length);
    }

    /** @return the small-frame buffer, allocated on first use; under the frame lock */
    private byte[] smallFrame() {
        byte[] frame = smallFrame;
        if (frame == null) {
            frame = new byte[FrameEncoder.MAX_HEADER_SIZE + SMALL_FRAME_SIZE];
            smallFrame = frame;
        }
        return frame;
    }

    /** @return whether the frame buffers are allocated (for tests: a connection that has written nothing holds none) */
    boolean holdsFrameBuffers() {
        frameLock.lock();
        try {
            return smallFrame != null || header != null;
        } finally {
            frameLock.unlock();
        }
    }

    /**
     * Sends a pong for a ping. If another thread holds the frame lock the pong is left for it to
     * send when its frame is done: the reader never waits on a slow writer, and the pong is never
     * dropped (only superseded by a newer one, as RFC 6455 §5.5.3 allows).
     */
    void queuePong(byte[] payload) {
        pendingPong.set(payload);
        drainPendingPong();
    }

    private void drainPendingPong() {
        while (pendingPong.get() != null && frameLock.tryLock()) {
            try {
                writePendingPongLocked();
            } finally {
                frameLock.unlock();
            }
        }
    }

    /**
     * Writes a queued pong within the control timeout (or the write deadline, if sooner). A pong
     * that does not go out in time ends the connection, unlike gorilla, which only fails later
     * writes: part of the frame may be on the wire, so nothing can follow it, and a peer that pings
     * without reading would otherwise hold the reading thread, its slot and this lock for ever.
     * Closing the transport wakes the reader (it sees the connection end) and every waiting writer.
     */
    private void writePendingPongLocked() {
        byte[] pong = pendingPong.getAndSet(null);
        if (pong == null || writeError != null) {
            return;
        }
        try {
            transportDeadline(earliest(writeDeadline, Instant.now().plus(controlTimeout)));
            writeControlLocked(WebSocket.PONG_MESSAGE, pong);
            listener.controlSent(WebSocket.PONG_MESSAGE);
        } catch (IOException e) {
            // Recorded as the write error (and reported) by fail(); the connection cannot go on.
            closeTransportQuietly();
        }
    }

    void closeTransportQuietly() {
        try {
            net.close();
        } catch (IOException | RuntimeException ignored) {
            // Already closed or failing: either way it is gone.
        }
    }

    /** Gives the transport the deadline of the frame about to be written; the caller holds the frame lock. */
    private void transportDeadline(Instant deadline) throws IOException {
        if (appliedDeadlineUnknown || !Objects.equals(deadline, appliedDeadline)) {
            net.setWriteDeadline(deadline);
            appliedDeadline = deadline;
            appliedDeadlineUnknown = false;
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    // ---- the transport -------------------------------------------------------------------

    /** One whole frame: header and payload in one transport call, then the flush. */
    private void send(byte[] h, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        write(h, hoff, hlen, payload, poff, plen);
        flush();
    }

    private void write(byte[] h, int hoff, int hlen, byte[] payload, int poff, int plen) throws IOException {
        try {
            net.write(h, hoff, hlen, payload, poff, plen);
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    /** More of the payload of the frame begun by the last {@link #write}: a large client frame's. */
    private void writeMore(byte[] b, int off, int len) throws IOException {
        try {
            net.write(b, off, len);
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void flush() throws IOException {
        try {
            net.flush();
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void fail(IOException e) {
        if (writeError == null) {
            writeError = e;
            listener.error(e instanceof SocketTimeoutException ? ConnListener.ErrorKind.TIMEOUT : ConnListener.ErrorKind.IO, e);
        }
    }

    // ---- the frame lock ------------------------------------------------------------------

    private void lockFrame(Instant deadline) throws IOException {
        try {
            if (deadline == null) {
                frameLock.lockInterruptibly();
            } else if (!frameLock.tryLock(nanosUntil(deadline), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("websocket: write timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("websocket: interrupted waiting to write");
        }
        // A queued pong goes before our frame: it answers a ping that came before it.
        writePendingPongLocked();
        try {
            transportDeadline(writeDeadline);
        } catch (IOException | RuntimeException e) {
            frameLock.unlock();
            throw e;
        }
    }

    private void unlockFrame() {
        // A pong queued while we held the lock goes out before anyone else's frame.
        writePendingPongLocked();
        frameLock.unlock();
        // The reader may have queued one after that check but before our unlock.
        drainPendingPong();
    }

    static long nanosUntil(Instant deadline) {
        return Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    }
}
