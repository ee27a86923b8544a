package dev.conduit.websocket.server.internal;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The takeover of one connection's plaintext NIO channel from Tomcat's poller
 * ({@link SocketLevers#takeChannel}): the Tomcat levers of that concern alone, apart from the
 * timeouts and shutdown ({@link TomcatSocketLevers}) and the buffers ({@link TomcatBuffers}).
 */
final class TomcatTakeover {
    /** How long a takeover waits for Tomcat's poller to handle its event once the poller has been seen to. */
    private static final long ROUND_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long it waits while the poller has never been seen to handle such an event in this JVM. */
    private static final long UNPROVEN_ROUND_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long it waits for the poller's select to drop the key (the poller has just shown it is alive). */
    private static final long DROP_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(60);
    /**
     * Whether Tomcat's poller has handled a takeover's event in this JVM: from then on a late
     * poller is load, not a Tomcat that behaves otherwise.
     */
    private static final AtomicBoolean ROUND_SEEN = new AtomicBoolean();
    /** Tests only: a shorter budget than {@link #ROUND_BUDGET_NANOS}, or 0. */
    static volatile long roundBudgetNanosForTests;

    private final Object socketWrapper;
    private final SocketChannel directChannel;

    /**
     * @param socketWrapper the connection's {@code NioSocketWrapper}
     * @param directChannel its plaintext channel
     */
    TomcatTakeover(Object socketWrapper, SocketChannel directChannel) {
        this.socketWrapper = socketWrapper;
        this.directChannel = directChannel;
    }

    /**
     * Takes the channel from Tomcat (see {@link SocketLevers#takeChannel}). While the upgrade
     * handler runs, Tomcat waits for nothing on the connection (its selection key's interest set
     * is empty). Once the poller has left the call that dispatched this connection
     * ({@link PollerRound}), the key is detached (the poller skips a selected key
     * without attachment) and cancelled, and this waits until the poller's next select has dropped
     * it (so that Tomcat's poller never sees the socket again while the read loop has it). Bytes in
     * Tomcat's read buffer are copied out; Tomcat's buffers are left as they are (the caller
     * shrinks them, {@link TomcatBuffers#shrink()}, once its transport stands). When the handler returns,
     * Tomcat's own processing of the connection finds the key gone and closes the socket.
     * <p>
     * Tomcat's close is held off from the moment the key is cancelled until the poller has dropped
     * the key (its next select): the marker round only tells that the poller has <em>started</em>
     * handling the no-op event (it clears the marker in the wrapper first and writes the key's
     * interest set next), and a poller that finds the key cancelled at that next step, or at any
     * other step of a round already under way, closes the connection. Closed in the middle of the
     * takeover, the connection lost its channel, and Tomcat put the channel's buffers (shrunk then
     * to 0 bytes) back in its cache for the next connection, which could not read its request (a
     * 1,000-connection ramp stalled that way). The hold is the wrapper's own closed flag, set for
     * that window only, so a {@code close()} in it does nothing; once the poller's select has
     * dropped the key, nothing of Tomcat's holds the key any more.
     *
     * Every step ({@link TakeoverStep}) is fenced: a failure turns the takeover off
     * ({@link TransportRuntime}); before the point of no return the connection stays with Tomcat.
     * Waiting for the poller comes before that point: a poller that is late because the machine is
     * busy (a thousand upgrades at once on two cores) leaves the connection with Tomcat and the
     * takeover on; only a poller never seen to handle the event in this JVM turns it off.
     *
     * @throws TakeoverException if taking failed past the point of no return: the connection is unusable
     */
    SocketLevers.TakenChannel take(TransportRuntime transport) throws TakeoverException {
        if (directChannel == null) {
            return null;
        }
        String version = TomcatVersion.of(socketWrapper.getClass().getClassLoader());
        TakeoverStep step = TakeoverStep.LOOK_UP;
        Object handler;
        Object poller;
        Selector selector;
        SelectionKey key;
        PollerRound round;
        AtomicBoolean wrapperClosed;
        TomcatPollerWatch watch;
        try {
            step.enter();
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    socketWrapper.getClass().getClassLoader());
            handler = base.getMethod("getSocketBufferHandler").invoke(socketWrapper);
            poller = socketWrapper.getClass().getMethod("getPoller").invoke(socketWrapper);
            selector = (Selector) poller.getClass().getMethod("getSelector").invoke(poller);
            round = PollerRound.of(poller, socketWrapper);
            Field closedField = base.getDeclaredField("closed");
            closedField.setAccessible(true);
            wrapperClosed = (AtomicBoolean) closedField.get(socketWrapper);
            watch = transport.pollerWatch();
            step = TakeoverStep.CHECK_STATE;
            step.enter();
            if (!handler.getClass().getName().equals("org.apache.tomcat.util.net.SocketBufferHandler")) {
                throw new IllegalStateException("unknown socket buffer handler " + handler.getClass().getName());
            }
            if (!(Boolean) handler.getClass().getMethod("isWriteBufferEmpty").invoke(handler)) {
                throw new IllegalStateException("Tomcat's write buffer still holds bytes after the 101");
            }
            key = directChannel.keyFor(selector);
            if (key == null || !key.isValid() || key.interestOps() != 0 || key.attachment() != socketWrapper) {
                throw new IllegalStateException("the connection's poller key is not as expected during the upgrade: "
                        + (key == null ? "none" : key.isValid() ? "interest " + key.interestOps()
                        + (key.attachment() == socketWrapper ? "" : ", another attachment") : "cancelled"));
            }
            step = TakeoverStep.AWAIT_POLLER_ROUND;
            step.enter();
            round.await(poller, socketWrapper, watch);
            ROUND_SEEN.set(true);
        } catch (TomcatPollerWatch.LateException e) {
            if (!ROUND_SEEN.get()) {
                TransportRuntime.takeoverFailed(step, version, e); // never seen to work: Tomcat behaves otherwise
            } else {
                transport.takeoverLate(version, e); // a busy machine: this connection stays with Tomcat
            }
            return null;
        } catch (IOException e) {
            return null; // the transport is closing: this connection stays with Tomcat
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Nothing has changed: this connection stays with Tomcat, later ones too.
            TransportRuntime.takeoverFailed(step, version, e);
            return null;
        }
        // From here on the connection belongs to this code or to nobody.
        try {
            step = TakeoverStep.COPY_READ_AHEAD;
            step.enter();
            handler.getClass().getMethod("configureReadBufferForRead").invoke(handler);
            ByteBuffer readBuffer = (ByteBuffer) handler.getClass().getMethod("getReadBuffer").invoke(handler);
            byte[] early = new byte[readBuffer.remaining()];
            readBuffer.get(early);
            handler.getClass().getMethod("reset").invoke(handler); // both empty now
            step = TakeoverStep.HOLD_CLOSE;
            step.enter();
            if (!wrapperClosed.compareAndSet(false, true)) {
                throw new IOException("Tomcat closed the connection during the takeover");
            }
            try {
                step = TakeoverStep.DROP_KEY;
                step.enter();
                key.attach(null); // should the poller ever select it again, it skips a key without attachment
                key.cancel();
                awaitDropped(selector, watch);
            } finally {
                wrapperClosed.set(false); // a close Tomcat attempted meanwhile was about the key we took away
            }
            return new SocketLevers.TakenChannel(directChannel, early, version);
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            TransportRuntime.takeoverFailed(step, version, e);
            throw new TakeoverException(step, directChannel, e);
        }
    }

    /**
     * Waits until Tomcat's poller is no longer inside the {@code processKey} call that dispatched
     * this connection's upgrade request: that call goes on to test the key's ready set after
     * handing the socket to this thread, and a key cancelled under it makes the poller close the
     * socket. The poller handles its event queue at the top of each round, after the previous
     * round's keys. So a no-op event for this connection is queued (it asks for no interest), with
     * a marker bit in the wrapper's copy of the interest set that no Tomcat code tests; handling
     * the event writes the key's real interest set (empty) over the marker, and once the marker is
     * gone the dispatch is over. The reflective handles are looked up first (before the point of no return in {@link #takeChannel}), so that
     * a Tomcat of another shape is found out before anything has changed.
     */
    private record PollerRound(Constructor<?> newEvent, Method addEvent, Method getOps, Method setOps) {
        /** Not a {@code SelectionKey} operation bit, so none of Tomcat's interest tests sees it. */
        private static final int MARKER = 1 << 20;

        static PollerRound of(Object poller, Object socketWrapper) throws ReflectiveOperationException {
            Class<?> eventClass = Class.forName("org.apache.tomcat.util.net.NioEndpoint$PollerEvent", false,
                    poller.getClass().getClassLoader());
            Method addEvent = poller.getClass().getDeclaredMethod("addEvent", eventClass);
            addEvent.setAccessible(true);
            return new PollerRound(eventClass.getConstructor(socketWrapper.getClass(), int.class), addEvent,
                    socketWrapper.getClass().getMethod("interestOps"),
                    socketWrapper.getClass().getMethod("interestOps", int.class));
        }

        /**
         * Leaves the marker in place when the poller is late: Tomcat's own interest tests ignore it,
         * and the event still queued overwrites it.
         */
        void await(Object poller, Object socketWrapper, TomcatPollerWatch watch)
                throws ReflectiveOperationException, IOException {
            setOps.invoke(socketWrapper, MARKER);
            addEvent.invoke(poller, newEvent.newInstance(socketWrapper, 0));
            long budget = roundBudgetNanosForTests > 0 ? roundBudgetNanosForTests : ROUND_BUDGET_NANOS;
            watch.await(() -> {
                try {
                    return (Integer) getOps.invoke(socketWrapper) != MARKER;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Tomcat's interest set not readable", e);
                }
            }, "Tomcat's poller did not handle its event queue", budget, () -> !ROUND_SEEN.get(),
                    UNPROVEN_ROUND_LIMIT_NANOS);
        }
    }

    /**
     * Waits until the poller's select has dropped the cancelled key from its selector: by then the
     * poller has finished the round that was under way when the key was cancelled. The poller may
     * be asleep in its select (a cancelled key does not wake it), hence the wake-up.
     */
    private void awaitDropped(Selector selector, TomcatPollerWatch watch) throws IOException {
        selector.wakeup();
        watch.await(() -> !directChannel.isRegistered(), "Tomcat's poller did not drop the connection's key",
                DROP_BUDGET_NANOS, () -> false, DROP_BUDGET_NANOS);
    }
}
