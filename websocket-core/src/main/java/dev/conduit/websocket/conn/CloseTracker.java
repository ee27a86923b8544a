package dev.conduit.websocket.conn;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.WebSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Remembers which side closed first and with what code, so the connection can report one
 * {@code closed(code, initiator)} event, and lets a graceful close wait for the peer's close.
 */
final class CloseTracker {
    private final ConnListener listener;
    private final CountDownLatch readSideDone = new CountDownLatch(1);
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile int firstCode = WebSocket.CLOSE_ABNORMAL_CLOSURE;
    private volatile ConnListener.Initiator initiator;
    private volatile boolean sent;
    private volatile boolean received;

    CloseTracker(ConnListener listener) {
        this.listener = listener;
    }

    synchronized void closeSent(byte[] payload) {
        sent = true;
        if (initiator == null) {
            initiator = ConnListener.Initiator.LOCAL;
            firstCode = payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : WebSocket.CLOSE_NO_STATUS_RECEIVED;
        }
    }

    synchronized void closeReceived(int code) {
        received = true;
        if (initiator == null) {
            initiator = ConnListener.Initiator.REMOTE;
            firstCode = code;
        }
    }

    /**
     * The transport failed or ended (EOF, reset) before any close message: the connection ended
     * abnormally (1006), even if a close message is written into the dead transport afterwards.
     */
    synchronized void transportLost() {
        if (initiator == null) {
            initiator = ConnListener.Initiator.ABNORMAL;
            firstCode = WebSocket.CLOSE_ABNORMAL_CLOSURE;
        }
    }

    /** The read side has ended (peer's close, error or EOF): wakes graceful closers. */
    void readSideDone() {
        readSideDone.countDown();
    }

    boolean awaitReadSideDone(long nanos) throws InterruptedException {
        return readSideDone.await(nanos, TimeUnit.NANOSECONDS);
    }

    boolean closeReceived() {
        return received;
    }

    boolean closeSent() {
        return sent;
    }

    /** Reports the end of the connection once, when the transport is closed. */
    void transportClosed() {
        if (reported.compareAndSet(false, true)) {
            ConnListener.Initiator who;
            int code;
            synchronized (this) {
                who = initiator == null ? ConnListener.Initiator.ABNORMAL : initiator;
                code = initiator == null ? WebSocket.CLOSE_ABNORMAL_CLOSURE : firstCode;
            }
            listener.closed(code, who);
        }
    }
}
