package dev.conduit.websocket;

import java.io.IOException;
import java.io.InputStream;

/** The stream behind {@link WebSocket#joinMessages(Conn, String)}. */
final class JoinedMessages extends InputStream {
    private final Conn conn;
    private final byte[] term;
    private InputStream current;
    private int termPos = -1; // -1: in a message; 0..term.length: writing the terminator

    JoinedMessages(Conn conn, byte[] term) {
        this.conn = conn;
        this.term = term;
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
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (termPos >= 0 && termPos < term.length) {
                int n = Math.min(len, term.length - termPos);
                System.arraycopy(term, termPos, b, off, n);
                termPos += n;
                return n;
            }
            if (current == null || termPos >= term.length) {
                // NextReader errors (close, EOF as 1006) end the stream: they are thrown, never -1.
                current = conn.nextReader().reader();
                termPos = -1;
            }
            int n = current.read(b, off, len);
            if (n > 0) {
                return n;
            }
            if (n < 0) {
                termPos = 0;
            }
        }
    }
}
