package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.frame.FrameReader;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Tomcat's per-connection socket buffers while the connection is a WebSocket: Tomcat gives every
 * socket an 8 KiB read and an 8 KiB write buffer ({@code socket.appReadBufSize} /
 * {@code appWriteBufSize}), half of an idle WebSocket's heap. With direct I/O they are swapped for
 * small ones ({@value #SHRUNK_READ_BUFFER} and {@value #SHRUNK_WRITE_BUFFER} bytes), with the taken
 * channel, which Tomcat does not touch while the WebSocket runs, for tiny ones
 * ({@value #TAKEN_BUFFER} bytes each), for the life of the WebSocket (in the
 * {@code SocketBufferHandler}, whose {@code reset()} then makes its state consistent), and fresh ones
 * of the original size are put back when the handler returns, since Tomcat reuses the channel and
 * its buffers for later HTTP connections. Never empty: should Tomcat recycle the channel before
 * they are put back, the next connection must still be able to read its request and write its
 * response (a 0-byte read buffer reads nothing, forever); through tiny buffers Tomcat reads and
 * writes that connection in pieces of their size, slower but whole.
 */
final class TomcatBuffers {
    private static final System.Logger LOG = System.getLogger(TomcatBuffers.class.getName());
    /**
     * The size of Tomcat's read buffer while the connection is a WebSocket: the frame reader's idle
     * buffer, so that the read after a wait (which Tomcat limits to its buffer's size) goes straight
     * into the reader's array instead of through a copy.
     */
    static final int SHRUNK_READ_BUFFER = FrameReader.IDLE_BUFFER_SIZE;
    /** The size of Tomcat's write buffer while the connection is a WebSocket: only writes the socket did not take at once pass it. */
    static final int SHRUNK_WRITE_BUFFER = 1024;
    /** The size of each of Tomcat's buffers while the channel is taken: they serve nothing then. */
    static final int TAKEN_BUFFER = 64;

    private final Object socketWrapper;
    private int originalReadBuffer;
    private int originalWriteBuffer;
    /** The buffer handler {@link #swapBuffers} shrank, so that only that one is ever restored. */
    private Object shrunkHandler;

    /** @param socketWrapper the connection's {@code SocketWrapperBase} */
    TomcatBuffers(Object socketWrapper) {
        this.socketWrapper = socketWrapper;
    }

    /**
     * Swaps Tomcat's buffers for small ones while they are empty (see the class comment).
     *
     * @param taken whether the channel was taken (then they serve nothing and become tiny)
     */
    void shrink(boolean taken) {
        if (taken) {
            swapBuffers(TAKEN_BUFFER, TAKEN_BUFFER, true);
        } else {
            swapBuffers(SHRUNK_READ_BUFFER, SHRUNK_WRITE_BUFFER, true);
        }
    }

    /**
     * Puts buffers of the original size back into the handler that was shrunk, unless Tomcat has
     * closed the connection already: then the channel and its handler may be in Tomcat's cache or
     * in use by another connection, and the wrapper's handler is Tomcat's shared empty one; the
     * shrunk buffers still work (just smaller), so they are left alone.
     */
    void restore() {
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
}
