package dev.conduit.websocket.client;

import dev.conduit.websocket.NetConn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Reads the start of a refused handshake's response body, for {@link dev.conduit.websocket.BadHandshakeException}:
 * at most {@link #MAX_BYTES}, framed by {@code Content-Length}, chunked encoding, or the end of the
 * connection. It is best effort: a read error or timeout ends it with what was read so far.
 */
final class ResponseBodyStart {
    /** gorilla keeps up to 1024 bytes of a refused handshake's body. */
    static final int MAX_BYTES = 1024;

    private final NetConn in;
    private final byte[] pending;
    private int pendingPos;

    private ResponseBodyStart(NetConn in, byte[] alreadyRead) {
        this.in = in;
        this.pending = alreadyRead;
    }

    /**
     * @param in the transport, positioned after the bytes in {@code head.leftover}
     * @param head the response head
     * @return up to {@link #MAX_BYTES} bytes of the body (decoded if chunked)
     */
    static byte[] read(NetConn in, ResponseHead head) {
        ResponseBodyStart reader = new ResponseBodyStart(in, head.leftover);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (head.status / 100 == 1 || head.status == 204 || head.status == 304) {
                return new byte[0];
            }
            List<String> te = head.values("Transfer-Encoding");
            List<String> cl = head.values("Content-Length");
            if (!te.isEmpty() && te.get(te.size() - 1).toLowerCase().endsWith("chunked")) {
                reader.readChunked(out);
            } else if (!cl.isEmpty()) {
                long length = parseLength(cl.get(0));
                reader.copy(out, (int) Math.min(length, MAX_BYTES));
            } else {
                reader.copy(out, MAX_BYTES); // delimited by the end of the connection
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: keep what arrived.
        }
        return out.toByteArray();
    }

    private static long parseLength(String value) {
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void readChunked(ByteArrayOutputStream out) throws IOException {
        while (out.size() < MAX_BYTES) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                return;
            }
            copy(out, (int) Math.min(size, MAX_BYTES - out.size()));
            if (out.size() >= MAX_BYTES) {
                return;
            }
            readLine(); // the CRLF after the chunk data
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 256) {
            int b = readByte();
            if (b < 0 || b == '\n') {
                break;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private int readByte() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Copies up to {@code max} bytes, stopping early at the end of the stream. */
    private void copy(ByteArrayOutputStream out, int max) throws IOException {
        byte[] buf = new byte[Math.max(1, max)];
        int copied = 0;
        while (copied < max) {
            int n = read(buf, 0, max - copied);
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            copied += n;
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (pendingPos < pending.length) {
            int n = Math.min(len, pending.length - pendingPos);
            System.arraycopy(pending, pendingPos, b, off, n);
            pendingPos += n;
            return n;
        }
        return in.read(b, off, len);
    }
}
