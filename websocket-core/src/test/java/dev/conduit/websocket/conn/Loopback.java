package dev.conduit.websocket.conn;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.net.SocketNetConn;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Real loopback TCP connections for Conn tests: Conn pairs, or a Conn facing a raw socket. */
final class Loopback {
    private Loopback() {
    }

    /** A connected socket pair on 127.0.0.1. */
    static Socket[] socketPair() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new Socket();
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
            Socket server = ss.accept();
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            return new Socket[] {server, client};
        }
    }

    /** Two connections: [0] server side, [1] client side. */
    static Conn[] connPair(ConnSettings server, ConnSettings client) throws IOException {
        Socket[] s = socketPair();
        return new Conn[] {WebSocketConn.open(new SocketNetConn(s[0]), server),
                WebSocketConn.open(new SocketNetConn(s[1]), client)};
    }

    /** A Conn of the given side whose peer is a raw socket the test writes frames to by hand. */
    static Raw raw(ConnSettings side) throws IOException {
        Socket[] s = socketPair();
        return new Raw(WebSocketConn.open(new SocketNetConn(s[0]), side), s[1]);
    }

    record Raw(Conn conn, Socket peer) implements AutoCloseable {
        void send(int... bytes) throws IOException {
            byte[] b = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                b[i] = (byte) bytes[i];
            }
            send(b);
        }

        void send(byte[] b) throws IOException {
            peer.getOutputStream().write(b);
            peer.getOutputStream().flush();
        }

        /** Reads exactly n bytes the Conn wrote (5 s timeout). */
        byte[] receive(int n) throws IOException {
            peer.setSoTimeout(5000);
            return peer.getInputStream().readNBytes(n);
        }

        /** Reads one unmasked frame the server-side Conn wrote: [opcode-byte, payload...]. */
        byte[] receiveFrame() throws IOException {
            peer.setSoTimeout(5000);
            InputStream in = peer.getInputStream();
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                throw new java.io.EOFException();
            }
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = len << 8 | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            byte[] out = new byte[payload.length + 1];
            out[0] = (byte) b0;
            System.arraycopy(payload, 0, out, 1, payload.length);
            return out;
        }

        @Override
        public void close() throws IOException {
            conn.close();
            peer.close();
        }
    }
}
