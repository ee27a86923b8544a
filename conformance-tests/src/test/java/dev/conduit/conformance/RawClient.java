package dev.conduit.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Opening handshakes written by hand, for the raw peer and for the handshake-error cases. */
final class RawClient {
    private RawClient() {
    }

    /** A raw HTTP response head. */
    record Response(int status, String head) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    static String newKey() {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends a well-formed upgrade request and checks the 101 answer; returns the stream to read frames from. */
    static InputStream upgrade(Socket s, int port, String path) throws IOException {
        return upgrade(s, port, path, null).in();
    }

    /** An upgraded connection: the stream to read frames from, and the 101 response. */
    record Upgraded(InputStream in, Response response) {
    }

    /**
     * @param offer the Sec-WebSocket-Extensions header to send, or null
     */
    static Upgraded upgrade(Socket s, int port, String path, String offer) throws IOException {
        String key = newKey();
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n") + "\r\n";
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = new BufferedInputStream(s.getInputStream());
        Response r = readHead(in);
        if (r.status() != 101 || !accept(key).equals(r.header("Sec-WebSocket-Accept"))) {
            throw new IOException("upgrade refused: " + r.head());
        }
        return new Upgraded(in, r);
    }

    /** Extension headers compared without case or blanks around separators. */
    static String normalize(String extensions) {
        return extensions == null ? null : extensions.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s*([;,=])\\s*", "$1").trim();
    }

    /** Reads a response (or request) head up to the blank line, byte by byte so nothing after it is consumed. */
    static Response readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in the HTTP head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String[] first = text.substring(0, text.indexOf("\r\n")).split(" ");
        int status = first[0].startsWith("HTTP/") ? Integer.parseInt(first[1]) : 0;
        return new Response(status, text);
    }
}
