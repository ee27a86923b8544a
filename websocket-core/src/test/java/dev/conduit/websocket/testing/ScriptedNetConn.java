package dev.conduit.websocket.testing;

import dev.conduit.websocket.NetConn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Instant;

/**
 * An in-memory transport for fuzzing: reads come from a fixed byte array in chunks of the given
 * sizes (cycled, so frame headers and payloads straddle read boundaries), then end of stream;
 * writes are collected. Deadlines are accepted and ignored: the input is finite, nothing blocks.
 */
public final class ScriptedNetConn implements NetConn {
    private final byte[] input;
    private final int[] chunks;
    private int pos;
    private int chunk;
    private int reads;
    private boolean closed;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    /**
     * @param input what the peer sent
     * @param chunks the most bytes each successive read returns (cycled; values below 1 count as 1)
     */
    public ScriptedNetConn(byte[] input, int... chunks) {
        this.input = input;
        this.chunks = chunks.length == 0 ? new int[] {Integer.MAX_VALUE} : chunks;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new SocketException("closed");
        }
        if (++reads > input.length + 16) {
            // Reading again and again after the end of stream is a loop that never ends on a real socket.
            throw new AssertionError("read called " + reads + " times for " + input.length + " input bytes");
        }
        if (pos == input.length) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = Math.min(Math.min(len, Math.max(1, chunks[chunk++ % chunks.length])), input.length - pos);
        System.arraycopy(input, pos, b, off, n);
        pos += n;
        return n;
    }

    /** @return bytes consumed so far */
    public int consumed() {
        return pos;
    }

    /** @return everything written so far */
    public byte[] written() {
        return written.toByteArray();
    }

    /** @return whether close was called */
    public boolean closed() {
        return closed;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new SocketException("closed");
        }
        written.write(b, off, len);
    }

    @Override
    public void flush() {
    }

    @Override
    public void setReadDeadline(Instant deadline) {
    }

    @Override
    public void setWriteDeadline(Instant deadline) {
    }

    @Override
    public SocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 2);
    }

    @Override
    public void close() {
        closed = true;
    }
}
