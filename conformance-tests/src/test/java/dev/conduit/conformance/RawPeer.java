package dev.conduit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The scripted end of a conformance case, on an open WebSocket connection (handshake done): writes
 * the case's frames on one thread while reading on the calling thread (a streaming echo answers
 * while it still reads, so a peer that wrote everything first could deadlock), and records what
 * comes back in a {@link Received}.
 */
final class RawPeer {
    private static final int CHOP = 997;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Whether this peer plays the client: then its frames are masked and the other side's must not be. */
    private final boolean client;
    private final Object writeLock = new Object();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private volatile boolean writerDone;
    /** The negotiated permessage-deflate context, null without compression. */
    private final PeerDeflate deflate;

    RawPeer(Socket socket, InputStream in, boolean client) throws IOException {
        this(socket, in, client, null);
    }

    RawPeer(Socket socket, InputStream in, boolean client, PeerDeflate deflate) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.client = client;
        this.deflate = deflate;
    }

    Received run(ConformanceCase c, int readTimeoutMillis) throws IOException, InterruptedException {
        socket.setSoTimeout(readTimeoutMillis);
        List<WireFrame> frames = new ArrayList<>(c.frames());
        if (c.closeAfter()) {
            frames.add(WireFrame.close(1000, new byte[0]));
        }
        Thread writer = new Thread(() -> write(frames, c.write()), "conformance-writer-" + c.id());
        writer.setDaemon(true);
        writer.start();
        Received r = new Received();
        try {
            read(r);
        } finally {
            writer.join(readTimeoutMillis);
            socket.close();
        }
        return r;
    }

    private void write(List<WireFrame> frames, ConformanceCase.Write mode) {
        try {
            List<byte[]> encoded = new ArrayList<>();
            for (WireFrame f : frames) {
                encoded.add(f.encode(client, deflate));
            }
            switch (mode) {
                case ONE_WRITE -> {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    for (byte[] b : encoded) {
                        all.writeBytes(b);
                    }
                    markClose(frames);
                    send(all.toByteArray(), 0, all.size());
                }
                case FRAME_BY_FRAME -> {
                    for (int i = 0; i < encoded.size(); i++) {
                        markClose(frames.subList(i, i + 1));
                        send(encoded.get(i), 0, encoded.get(i).length);
                    }
                }
                case BYTE_BY_BYTE, CHOPPED -> {
                    int step = mode == ConformanceCase.Write.CHOPPED ? CHOP : 1;
                    for (int i = 0; i < encoded.size(); i++) {
                        markClose(frames.subList(i, i + 1));
                        byte[] b = encoded.get(i);
                        for (int off = 0; off < b.length; off += step) {
                            send(b, off, Math.min(step, b.length - off));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The side under test may fail the connection before everything is written: that is
            // the outcome some cases want, and the reader judges it.
        } finally {
            writerDone = true;
        }
    }

    private void markClose(List<WireFrame> frames) {
        if (frames.stream().anyMatch(f -> f.opcode() == WireFrame.CLOSE)) {
            closeSent.set(true);
        }
    }

    private void send(byte[] b, int off, int len) throws IOException {
        synchronized (writeLock) {
            out.write(b, off, len);
            out.flush();
        }
    }

    private void read(Received r) throws IOException {
        ByteArrayOutputStream message = null;
        int messageOpcode = 0;
        boolean messageCompressed = false;
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    if (r.closeCode == null) {
                        r.endedBy = "EOF before a close frame";
                    } else {
                        r.tcpClosed = true;
                    }
                    return;
                }
                int b1 = readByte();
                boolean fin = (b0 & 0x80) != 0;
                int rsv = (b0 >> 4) & 7;
                int opcode = b0 & 0x0f;
                boolean masked = (b1 & 0x80) != 0;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = (readByte() << 8) | readByte();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | readByte();
                    }
                }
                byte[] key = new byte[4];
                if (masked) {
                    readFully(key);
                    r.maskKeys.add(java.util.HexFormat.of().formatHex(key));
                }
                if (len > 64L * 1024 * 1024) {
                    r.violations.add("frame of " + len + " bytes");
                    return;
                }
                byte[] payload = new byte[(int) len];
                readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= key[i & 3];
                }
                // The rules the side under test must keep when it sends.
                if (masked == client) {
                    r.violations.add((client ? "a server sent a masked frame" : "a client sent an unmasked frame"));
                }
                boolean firstDataFrame = (opcode == WireFrame.TEXT || opcode == WireFrame.BINARY) && message == null;
                if (rsv != 0 && !(deflate != null && rsv == 4 && firstDataFrame)) {
                    r.violations.add("reserved bits " + rsv + " set on opcode " + opcode
                            + (deflate == null ? " without an extension" : ""));
                }
                if (r.closeCode != null) {
                    r.violations.add("frame (opcode " + opcode + ") after the close frame");
                    continue;
                }
                switch (opcode) {
                    case WireFrame.CONTINUATION, WireFrame.TEXT, WireFrame.BINARY -> {
                        if ((opcode == WireFrame.CONTINUATION) != (message != null)) {
                            r.violations.add("bad fragment sequence: opcode " + opcode);
                        }
                        if (message == null) {
                            message = new ByteArrayOutputStream();
                            messageOpcode = opcode;
                            messageCompressed = rsv == 4;
                        }
                        message.writeBytes(payload);
                        if (fin) {
                            byte[] data = message.toByteArray();
                            if (messageCompressed && deflate != null) {
                                try {
                                    data = deflate.decompress(data, 64 * 1024 * 1024);
                                } catch (java.util.zip.DataFormatException e) {
                                    r.violations.add("a compressed message that does not inflate: " + e.getMessage());
                                }
                                r.compressedMessages++;
                            }
                            r.messages.add(new Received.Message(messageOpcode, data));
                            message = null;
                        }
                    }
                    case WireFrame.PING -> r.violations.add("unexpected ping");
                    case WireFrame.PONG -> r.pongs.add(payload);
                    case WireFrame.CLOSE -> {
                        if (payload.length == 1) {
                            r.violations.add("close frame with a 1-byte payload");
                        }
                        r.closeCode = payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8 | (payload[1] & 0xff));
                        String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        if (reason.contains("\uFFFD")) {
                            r.violations.add("close reason is not UTF-8");
                        }
                        r.partialMessage = message != null;
                        message = null;
                        replyToClose(payload);
                    }
                    default -> r.violations.add("reserved opcode " + opcode + " sent");
                }
                if (opcode >= 8 && (!fin || len > 125)) {
                    r.violations.add("bad control frame: fin " + fin + ", " + len + " bytes");
                }
            }
        } catch (SocketTimeoutException e) {
            r.endedBy = "no " + (r.closeCode == null ? "close frame" : "TCP close") + " within the read timeout";
        } catch (EOFException e) {
            r.endedBy = "EOF inside a frame";
        } catch (SocketException e) {
            // A reset once the close frame is in counts as closed: the side under test closed while
            // frames this peer wrote were still unread, which makes the kernel answer with RST.
            if (r.closeCode != null) {
                r.tcpClosed = true;
            } else {
                r.endedBy = "reset before a close frame: " + e.getMessage();
            }
        }
    }

    /**
     * Answers the close if this peer has not sent one and no longer writes. Once both close frames
     * are out, this peer half-closes its side (RFC 6455 §7.1.1 lets a client close the TCP
     * connection any time after sending and receiving a close): a server that waits for the
     * client's FIN after an error close would otherwise wait out its own timeout in every case.
     */
    private void replyToClose(byte[] payload) {
        if (!writerDone) {
            return;
        }
        try {
            if (!closeSent.get()) {
                byte[] reply = payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0];
                byte[] frame = WireFrame.of(true, WireFrame.CLOSE, reply).encode(client);
                closeSent.set(true);
                send(frame, 0, frame.length);
            }
            synchronized (writeLock) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // The other side may already have closed the TCP connection; the close reply is a courtesy.
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private void readFully(byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                throw new EOFException();
            }
            n += r;
        }
    }
}
