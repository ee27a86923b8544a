package dev.conduit.websocket.client;

import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.handshake.HeaderTokens;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status line and headers of an HTTP/1.1 response, read from a {@link NetConn} without reading
 * further than needed: bytes that arrived after the blank line (WebSocket frames the server sent
 * right after its 101, or the start of an error body) are kept in {@link #leftover}.
 */
final class ResponseHead {
    /** The most bytes a response head (status line, headers, blank line) may take. */
    static final int MAX_HEAD_BYTES = 8192;

    final int status;
    final String reason;
    /** Header names as the server spelled them (first spelling wins), looked up ignoring case. */
    final Map<String, List<String>> headers;
    final byte[] leftover;

    private ResponseHead(int status, String reason, Map<String, List<String>> headers, byte[] leftover) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.leftover = leftover;
    }

    /**
     * Reads one response head.
     *
     * @param in the transport, positioned at the start of a response
     * @param what names the exchange in error messages ("handshake", "proxy CONNECT")
     * @return the parsed head with any bytes read past it
     * @throws EOFException if the peer closed before the head was complete
     * @throws MalformedResponseException if the head is not HTTP/1.x or larger than {@link #MAX_HEAD_BYTES}
     * @throws IOException on a transport failure (including the read deadline passing)
     */
    static ResponseHead read(NetConn in, String what) throws IOException {
        byte[] buf = new byte[MAX_HEAD_BYTES];
        int filled = 0;
        int end = -1;
        while (end < 0) {
            if (filled == buf.length) {
                throw new MalformedResponseException(what + " response head is larger than " + MAX_HEAD_BYTES + " bytes");
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                throw new EOFException("websocket: the server closed the connection before its " + what + " response was complete");
            }
            int from = Math.max(0, filled - 2);
            filled += n;
            end = endOfHead(buf, from, filled);
        }
        String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        ResponseHead head = parse(text, what, Arrays.copyOfRange(buf, end, filled));
        return head;
    }

    /** The index just past the blank line that ends the head ({@code \r\n\r\n}, tolerating bare {@code \n}), or -1. */
    private static int endOfHead(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != '\n') {
                continue;
            }
            int j = i + 1;
            if (j < to && b[j] == '\r') {
                j++;
            }
            if (j < to && b[j] == '\n') {
                return j + 1;
            }
        }
        return -1;
    }

    private static ResponseHead parse(String text, String what, byte[] leftover) throws MalformedResponseException {
        String[] lines = text.split("\n", -1);
        String statusLine = stripCr(lines[0]);
        // "HTTP/1.1 101 Switching Protocols": the version, a space, three digits, then an optional reason.
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                || !isDigits(statusLine, 9, 12) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new MalformedResponseException("malformed " + what + " status line: " + printable(statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";

        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                continue; // the blank line that ends the head
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line, colon)) {
                // Also rejects obsolete line folding (a line starting with a space).
                throw new MalformedResponseException("malformed " + what + " header line: " + printable(line));
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return new ResponseHead(status, reason, Collections.unmodifiableMap(headers), leftover);
    }

    /** @return every value of the header, possibly empty, never {@code null} */
    List<String> values(String name) {
        List<String> v = headers.get(name);
        return v == null ? List.of() : v;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String s, int to) {
        for (int i = 0; i < to; i++) {
            if (!HeaderTokens.isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Keeps error messages on one line and short. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** The peer's answer was not HTTP/1.x, or was too large. */
    static final class MalformedResponseException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super("websocket: " + message);
        }
    }
}
