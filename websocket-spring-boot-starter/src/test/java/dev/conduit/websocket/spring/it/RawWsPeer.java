package dev.conduit.websocket.spring.it;

import dev.conduit.websocket.frame.ClosePayload;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written by hand on a plain socket, for peers that misbehave on purpose: one
 * that never answers pings (what a half-open peer looks like to the server), one that goes quiet.
 * It reads the server's frames with the core's frame parser.
 */
final class RawWsPeer implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final FrameReader frames;

    /** One frame from the server. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() throws IOException {
            return ClosePayload.parse(payload, payload.length).code();
        }
    }

    private RawWsPeer(Socket socket, byte[] afterHead) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.frames = new FrameReader(in::read, false, false, 4096, afterHead);
    }

    static RawWsPeer connect(int port, String path) throws IOException {
        return connect(port, path, "");
    }

    /**
     * @param extraHeaders header lines to add, each ending in CRLF (e.g. {@code "Origin: x\r\n"})
     */
    static RawWsPeer connect(int port, String path, String extraHeaders) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(30_000); // a bound on every read: a test never hangs
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("refused: " + head);
        }
        return new RawWsPeer(s, new byte[0]);
    }

    /** @return the next frame, or {@code null} when the server closed TCP (EOF or reset) */
    Frame next() throws IOException {
        try {
            FrameHeader h = frames.readHeader();
            return new Frame(h.opcode(), frames.readFullPayload());
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Sends one masked frame (key 0: the payload goes as is, which RFC 6455 allows). */
    void send(int opcode, byte[] payload) throws IOException {
        send(true, opcode, payload);
    }

    /** Sends one masked frame, with FIN as given (false: the first fragment of a message). */
    void send(boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        f.write(new byte[4]);
        f.write(payload);
        socket.getOutputStream().write(f.toByteArray());
        socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
