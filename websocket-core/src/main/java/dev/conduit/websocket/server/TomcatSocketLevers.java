package dev.conduit.websocket.server;

import dev.conduit.websocket.frame.FrameReader;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat's levers on an upgraded connection, reached by reflection because they are internal:
 * the upgraded {@code ServletInputStream} holds the connection's {@code SocketWrapperBase} in its
 * {@code socketWrapper} field.
 * <ul>
 *   <li>Timeouts: Tomcat gives upgraded connections infinite read and write timeouts and its
 *       blocking read ignores {@code close()} and interrupts; {@code SocketWrapperBase.setReadTimeout}
 *       / {@code setWriteTimeout} are read on every blocking wait, so setting the time left before
 *       each call makes a blocked read or write fail with {@code SocketTimeoutException} on time.</li>
 *   <li>Shutdown: shutting down the socket channel's input makes the poller see it readable and
 *       wake a blocked reader (which then sees EOF); shutting down its output sends FIN at once.
 *       Tomcat closes the socket itself when {@code init()} returns.</li>
 *   <li>Direct I/O: on the plaintext NIO connector the {@code NioChannel}'s {@code SocketChannel}
 *       is offered as {@link #directChannel()}; {@code updateLastRead} / {@code updateLastWrite}
 *       keep the poller's timeout check right when a blocking call follows direct I/O.</li>
 *   <li>Taking the channel (the {@link Transport} of the {@link ServerTransport}; a failure turns it
 *       off): {@link #takeChannel} removes the plaintext NIO channel
 *       from Tomcat's poller for the life of the WebSocket, so that our {@link ReadLoop} replaces
 *       Tomcat's poller hand-off ({@link ReadLoopNetConn}).</li>
 *   <li>Buffers: Tomcat gives every socket an 8 KiB read and an 8 KiB write buffer
 *       ({@code socket.appReadBufSize} / {@code appWriteBufSize}), half of an idle WebSocket's
 *       heap. With direct I/O (and with the taken channel) they are swapped for small ones
 *       ({@value #SHRUNK_READ_BUFFER} and {@value #SHRUNK_WRITE_BUFFER} bytes) for the life of
 *       the WebSocket (in the {@code SocketBufferHandler}, whose {@code reset()} then makes its state
 *       consistent), and fresh ones of the original size are put back when the handler returns,
 *       since Tomcat reuses the channel and its buffers for later HTTP connections. Never smaller:
 *       should Tomcat recycle the channel before they are put back, the next connection must still
 *       be able to read its request (a 0-byte read buffer reads nothing, forever).</li>
 * </ul>
 * Works with Tomcat 10.1 and 11 (NIO and NIO2 connectors); {@link #of} returns {@code null}
 * elsewhere.
 */
final class TomcatSocketLevers implements SocketLevers {
    private static final System.Logger LOG = System.getLogger(TomcatSocketLevers.class.getName());

    private final Object socketWrapper;
    private final MethodHandle setReadTimeout;
    private final MethodHandle setWriteTimeout;
    private final Object channel;
    /** The plaintext NIO channel, or null (TLS wraps it in a SecureNioChannel, NIO2 is asynchronous). */
    private final SocketChannel directChannel;
    private final MethodHandle updateLastRead;
    private final MethodHandle updateLastWrite;
    /**
     * The size of Tomcat's read buffer while the connection is a WebSocket: the frame reader's idle
     * buffer, so that the read after a wait (which Tomcat limits to its buffer's size) goes straight
     * into the reader's array instead of through a copy.
     */
    static final int SHRUNK_READ_BUFFER = FrameReader.IDLE_BUFFER_SIZE;
    /** The size of Tomcat's write buffer while the connection is a WebSocket: only writes the socket did not take at once pass it. */
    static final int SHRUNK_WRITE_BUFFER = 1024;
    private int originalReadBuffer;
    private int originalWriteBuffer;
    /** The buffer handler {@link #swapBuffers} shrank, so that only that one is ever restored. */
    private Object shrunkHandler;

    private TomcatSocketLevers(Object socketWrapper, MethodHandle setReadTimeout, MethodHandle setWriteTimeout,
                               Object channel, SocketChannel directChannel, MethodHandle updateLastRead,
                               MethodHandle updateLastWrite) {
        this.socketWrapper = socketWrapper;
        this.setReadTimeout = setReadTimeout;
        this.setWriteTimeout = setWriteTimeout;
        this.channel = channel;
        this.directChannel = directChannel;
        this.updateLastRead = updateLastRead;
        this.updateLastWrite = updateLastWrite;
    }

    /**
     * The method handles for one Tomcat socket wrapper class, looked up once per class: looked up
     * per connection they were four handles with their member names and type adaptations, about
     * 600 bytes of every idle connection's heap.
     */
    private record WrapperHandles(MethodHandle setReadTimeout, MethodHandle setWriteTimeout,
                                  MethodHandle updateLastRead, MethodHandle updateLastWrite) {
        private static final ClassValue<WrapperHandles> BY_CLASS = new ClassValue<>() {
            @Override
            protected WrapperHandles computeValue(Class<?> wrapperClass) {
                try {
                    return lookUp(wrapperClass);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat socket levers not reachable; deadlines unsupported", e);
                    return null;
                }
            }
        };

        static WrapperHandles of(Class<?> wrapperClass) {
            return BY_CLASS.get(wrapperClass);
        }

        private static WrapperHandles lookUp(Class<?> wrapperClass) throws ReflectiveOperationException {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    wrapperClass.getClassLoader());
            MethodType longSetter = MethodType.methodType(void.class, long.class);
            // Typed for exact invocation: (Object, long) and (Object), no adaptation per call.
            MethodHandle read = lookup.findVirtual(base, "setReadTimeout", longSetter)
                    .asType(MethodType.methodType(void.class, Object.class, long.class));
            MethodHandle write = lookup.findVirtual(base, "setWriteTimeout", longSetter)
                    .asType(MethodType.methodType(void.class, Object.class, long.class));
            MethodHandle lastRead = null;
            MethodHandle lastWrite = null;
            MethodType noArgs = MethodType.methodType(void.class);
            try {
                lastRead = lookup.findVirtual(wrapperClass, "updateLastRead", noArgs)
                        .asType(MethodType.methodType(void.class, Object.class));
                lastWrite = lookup.findVirtual(wrapperClass, "updateLastWrite", noArgs)
                        .asType(MethodType.methodType(void.class, Object.class));
            } catch (ReflectiveOperationException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's activity stamps not reachable; no direct I/O", e);
            }
            return new WrapperHandles(read, write, lastRead, lastWrite);
        }
    }

    /** The upgraded input stream's {@code socketWrapper} field, per stream class. */
    private static final ClassValue<Field> SOCKET_WRAPPER_FIELD = new ClassValue<>() {
        @Override
        protected Field computeValue(Class<?> inputClass) {
            try {
                Field f = inputClass.getDeclaredField("socketWrapper");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's upgraded stream has no reachable socket wrapper", e);
                return null;
            }
        }
    };

    /**
     * @param upgradedInput the upgraded connection's input stream
     * @return the levers, or {@code null} if the stream is not Tomcat's (or Tomcat changed)
     */
    static TomcatSocketLevers of(Object upgradedInput) {
        if (!upgradedInput.getClass().getName().startsWith("org.apache.coyote.")) {
            return null;
        }
        try {
            Field f = SOCKET_WRAPPER_FIELD.get(upgradedInput.getClass());
            if (f == null) {
                return null;
            }
            Object wrapper = f.get(upgradedInput);
            WrapperHandles handles = WrapperHandles.of(wrapper.getClass());
            if (handles == null) {
                return null;
            }
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    wrapper.getClass().getClassLoader());
            Object socket = base.getMethod("getSocket").invoke(wrapper);
            Method ioChannel = socket.getClass().getMethod("getIOChannel");
            Object channel = ioChannel.invoke(socket);
            if (!(channel instanceof SocketChannel) && !(channel instanceof AsynchronousSocketChannel)) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: unexpected Tomcat channel {0}; no socket levers",
                        channel == null ? null : channel.getClass());
                return null;
            }
            SocketChannel direct = null;
            // Exactly NioChannel: its subclass SecureNioChannel holds TLS state the raw channel must not bypass.
            if (channel instanceof SocketChannel sc && !sc.isBlocking() && handles.updateLastRead() != null
                    && socket.getClass().getName().equals("org.apache.tomcat.util.net.NioChannel")) {
                direct = sc;
            }
            return new TomcatSocketLevers(wrapper, handles.setReadTimeout(), handles.setWriteTimeout(), channel, direct,
                    handles.updateLastRead(), handles.updateLastWrite());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat socket levers not reachable; deadlines unsupported", e);
            return null;
        }
    }

    @Override
    public boolean supportsTimeouts() {
        return true;
    }

    // The last values set: most reads and writes ask for the same timeout (usually none), and the
    // reflective setter showed up at ~5% of samples in a profile of the echo benchmark.
    private volatile long readTimeout = Long.MIN_VALUE;
    private volatile long writeTimeout = Long.MIN_VALUE;

    @Override
    public void setReadTimeout(long millis) {
        if (millis != readTimeout) {
            invoke(setReadTimeout, millis);
            readTimeout = millis;
        }
    }

    @Override
    public void setWriteTimeout(long millis) {
        if (millis != writeTimeout) {
            invoke(setWriteTimeout, millis);
            writeTimeout = millis;
        }
    }

    @Override
    public SocketChannel directChannel() {
        return directChannel;
    }

    /**
     * Takes the channel from Tomcat (see {@link SocketLevers#takeChannel}). While the upgrade
     * handler runs, Tomcat waits for nothing on the connection (its selection key's interest set
     * is empty). Once the poller has left the call that dispatched this connection
     * ({@link PollerRound}), the key is detached (the poller skips a selected key
     * without attachment) and cancelled, and this waits until the poller's next select has dropped
     * it (so that Tomcat's poller never sees the socket again while the read loop has it). Bytes in
     * Tomcat's read buffer are copied out; Tomcat's buffers are left as they are (the caller
     * shrinks them, {@link #shrinkBuffers()}, once its transport stands). When the handler returns,
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
     * ({@link ServerTransport}); before the point of no return the connection stays with Tomcat.
     *
     * @throws TakeoverException if taking failed past the point of no return: the connection is unusable
     */
    @Override
    public TakenChannel takeChannel(ServerTransport transport) throws TakeoverException {
        if (directChannel == null) {
            return null;
        }
        String version = TomcatVersion.of(socketWrapper.getClass().getClassLoader());
        if (!transport.takeoverWanted(version)) {
            return null;
        }
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
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Nothing has changed: this connection stays with Tomcat, later ones too.
            ServerTransport.takeoverFailed(step, version, e);
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
            step = TakeoverStep.AWAIT_POLLER_ROUND;
            step.enter();
            round.await(poller, socketWrapper, watch);
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
            return new TakenChannel(directChannel, early, version);
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            ServerTransport.takeoverFailed(step, version, e);
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

        void await(Object poller, Object socketWrapper, TomcatPollerWatch watch)
                throws ReflectiveOperationException, IOException {
            setOps.invoke(socketWrapper, MARKER);
            addEvent.invoke(poller, newEvent.newInstance(socketWrapper, 0));
            watch.await(() -> {
                try {
                    return (Integer) getOps.invoke(socketWrapper) != MARKER;
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Tomcat's interest set not readable", e);
                }
            }, "Tomcat's poller did not handle its event queue within 10 s");
        }
    }

    /**
     * Waits until the poller's select has dropped the cancelled key from its selector: by then the
     * poller has finished the round that was under way when the key was cancelled. The poller may
     * be asleep in its select (a cancelled key does not wake it), hence the wake-up.
     */
    private void awaitDropped(Selector selector, TomcatPollerWatch watch) throws IOException {
        selector.wakeup();
        watch.await(() -> !directChannel.isRegistered(),
                "Tomcat's poller did not drop the connection's key within 10 s");
    }

    @Override
    public void noteDirectActivity(boolean read) {
        if (directChannel == null) {
            return;
        }
        try {
            if (read) {
                updateLastRead.invokeExact(socketWrapper);
            } else {
                updateLastWrite.invokeExact(socketWrapper);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Tomcat activity stamp failed", t);
        }
    }

    @Override
    public void shrinkBuffers() {
        if (directChannel != null) {
            swapBuffers(SHRUNK_READ_BUFFER, SHRUNK_WRITE_BUFFER, true);
        }
    }

    /**
     * Puts buffers of the original size back into the handler that was shrunk, unless Tomcat has
     * closed the connection already: then the channel and its handler may be in Tomcat's cache or
     * in use by another connection, and the wrapper's handler is Tomcat's shared empty one; the
     * shrunk buffers still work (just smaller), so they are left alone.
     */
    @Override
    public void restoreBuffers() {
        if (originalReadBuffer > 0) {
            swapBuffers(originalReadBuffer, originalWriteBuffer, false);
            originalReadBuffer = 0;
            shrunkHandler = null;
        }
    }

    private void swapBuffers(int readSize, int writeSize, boolean remember) {
        try {
            Class<?> base = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false,
                    socketWrapper.getClass().getClassLoader());
            if ((Boolean) base.getMethod("isClosed").invoke(socketWrapper)) {
                return; // the channel and its buffers are Tomcat's again (see restoreBuffers)
            }
            Object handler = base.getMethod("getSocketBufferHandler").invoke(socketWrapper);
            Class<?> h = handler.getClass();
            if (!h.getName().equals("org.apache.tomcat.util.net.SocketBufferHandler")
                    || !remember && handler != shrunkHandler) {
                return;
            }
            // Shrinking needs both empty (bytes in flight stay where they are); when restoring the
            // connection is over and what is left in them is discarded anyway.
            if (remember && (!(Boolean) h.getMethod("isReadBufferEmpty").invoke(handler)
                    || !(Boolean) h.getMethod("isWriteBufferEmpty").invoke(handler))) {
                return;
            }
            Field read = h.getDeclaredField("readBuffer");
            Field write = h.getDeclaredField("writeBuffer");
            read.setAccessible(true);
            write.setAccessible(true);
            ByteBuffer oldRead = (ByteBuffer) read.get(handler);
            ByteBuffer oldWrite = (ByteBuffer) write.get(handler);
            if (oldRead.isDirect() || oldWrite.isDirect()) {
                return; // socket.directBuffer: Tomcat frees those itself; not worth the risk
            }
            if (remember) {
                if (oldRead.capacity() <= readSize && oldWrite.capacity() <= writeSize) {
                    return;
                }
                originalReadBuffer = oldRead.capacity();
                originalWriteBuffer = oldWrite.capacity();
                shrunkHandler = handler;
            }
            read.set(handler, ByteBuffer.allocate(readSize));
            write.set(handler, ByteBuffer.allocate(writeSize));
            h.getMethod("reset").invoke(handler); // both empty, both ready for filling
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's socket buffers not reachable; left as they are", e);
        }
    }

    @Override
    public boolean canShutdown() {
        return true;
    }

    @Override
    public void shutdownInput() {
        SocketLevers.shutdown(channel, true, LOG);
    }

    @Override
    public void shutdownOutput() {
        SocketLevers.shutdown(channel, false, LOG);
    }

    private void invoke(MethodHandle setter, long millis) {
        try {
            setter.invokeExact(socketWrapper, millis);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Tomcat socket timeout setter failed", t);
        }
    }
}
