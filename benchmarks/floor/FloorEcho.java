import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The floor of a thread-per-connection WebSocket echo server on the JVM, for the benchmarks only:
 * no library, no container, no validation beyond what echoing needs. Each connection gets its own
 * thread (virtual by default, {@code platform} as second argument) that reads with the JDK's
 * blocking socket I/O and writes each message back in one write. It answers the handshake of any
 * request, takes unfragmented masked frames of up to 64 KiB and closes on anything else.
 * <p>
 * What it measures: the cost of the thread hand-offs and system calls that any server built on a
 * thread per connection pays; what a library adds is the difference to it. Never a server to use.
 * <pre>
 *   java benchmarks/floor/FloorEcho.java PORT [virtual|platform]
 * </pre>
 * Listens on 127.0.0.1 only.
 */
public final class FloorEcho {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        boolean virtual = args.length < 2 || args[1].equals("virtual");
        Thread.Builder threads = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            while (true) {
                SocketChannel ch = server.accept();
                threads.start(() -> serve(ch));
            }
        }
    }

    private static void serve(SocketChannel ch) {
        try (ch) {
            ch.socket().setTcpNoDelay(true);
            ByteBuffer in = ByteBuffer.allocate(70 * 1024);
            ByteBuffer out = ByteBuffer.allocate(70 * 1024);
            handshake(ch, in);
            while (true) {
                // Header: FIN+opcode, MASK+length (7, 16 or 64 bits), 4-byte mask.
                fill(ch, in, 2);
                int b0 = in.get(0) & 0xFF;
                int b1 = in.get(1) & 0xFF;
                int len = b1 & 0x7F;
                int head = 2;
                if (len == 126) {
                    fill(ch, in, 4);
                    len = in.getShort(2) & 0xFFFF;
                    head = 4;
                } else if (len == 127) {
                    return; // larger than this server takes
                }
                int opcode = b0 & 0x0F;
                if ((b0 & 0x80) == 0 || (b1 & 0x80) == 0 || opcode >= 8) {
                    return; // fragments, unmasked frames and control frames end the connection
                }
                fill(ch, in, head + 4 + len);
                int maskAt = head;
                out.clear();
                out.put((byte) b0);
                if (len < 126) {
                    out.put((byte) len);
                } else {
                    out.put((byte) 126).putShort((short) len);
                }
                for (int i = 0; i < len; i++) {
                    out.put((byte) (in.get(head + 4 + i) ^ in.get(maskAt + (i & 3))));
                }
                out.flip();
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                consume(in, head + 4 + len);
            }
        } catch (IOException | RuntimeException e) {
            // The peer went away, or sent what this server does not take: the connection ends.
        }
    }

    /** Reads the upgrade request and answers 101. */
    private static void handshake(SocketChannel ch, ByteBuffer in) throws IOException {
        int end;
        while ((end = indexOf(in, "\r\n\r\n")) < 0) {
            if (ch.read(in) < 0 || !in.hasRemaining()) {
                throw new IOException("no upgrade request");
            }
        }
        String request = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
        String key = null;
        for (String line : request.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-key")) {
                key = line.substring(colon + 1).trim();
            }
        }
        if (key == null) {
            throw new IOException("no Sec-WebSocket-Key");
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer response = ByteBuffer.wrap(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        while (response.hasRemaining()) {
            ch.write(response);
        }
        consume(in, end + 4);
    }

    /** Reads until the buffer holds at least {@code n} bytes from its start. */
    private static void fill(SocketChannel ch, ByteBuffer in, int n) throws IOException {
        while (in.position() < n) {
            if (ch.read(in) < 0) {
                throw new IOException("end of stream");
            }
        }
    }

    /** Drops the first {@code n} bytes, keeping what follows them. */
    private static void consume(ByteBuffer in, int n) {
        in.flip();
        in.position(n);
        in.compact();
    }

    private static int indexOf(ByteBuffer in, String s) {
        byte[] a = in.array();
        outer:
        for (int i = 0; i + s.length() <= in.position(); i++) {
            for (int j = 0; j < s.length(); j++) {
                if (a[i + j] != s.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
