package dev.conduit.websocket.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A test-only HTTP/1.1 request head reader. It reads byte by byte so that nothing after the blank
 * line is consumed (the bytes that follow belong to the WebSocket or the tunnel).
 *
 * @param method the method
 * @param target the request target
 * @param headers the headers, looked up ignoring case
 */
public record RequestHead(String method, String target, Map<String, List<String>> headers) {

    /**
     * @param in the stream, at the start of a request
     * @return the head
     * @throws IOException if the stream ends first or the head is over 16 KiB
     */
    public static RequestHead read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int window = 0; // the last four bytes read
        while (window != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("request head incomplete");
            }
            head.write(b);
            if (head.size() > 16384) {
                throw new IOException("request head too large");
            }
            window = (window << 8) | b;
        }
        String[] lines = head.toString(StandardCharsets.UTF_8).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
        }
        return new RequestHead(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", headers);
    }

    /**
     * @param name a header name
     * @return its values, empty if absent
     */
    public List<String> values(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /**
     * @param name a header name
     * @return its first value or {@code null}
     */
    public String header(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? null : v.get(0);
    }
}
