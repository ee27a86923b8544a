package dev.conduit.websocket.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a hand-written request over a plain socket, because HTTP clients refuse to send what
 * these tests need (no Host, HTTP/1.0, forged Upgrade and Connection headers).
 */
public final class RawHttp {
    public final int status;
    public final Map<String, List<String>> headers; // lower-case names
    public final String body;
    public final Socket socket; // still open after a 101

    private RawHttp(int status, Map<String, List<String>> headers, String body, Socket socket) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.socket = socket;
    }

    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? null : v.get(0);
    }

    public static String validRequest(int port, String... extraLines) {
        StringBuilder sb = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (String line : extraLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Sends {@code request}; reads the head and, unless it is a 101, the body by Content-Length. */
    public static RawHttp exchange(int port, String request) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        if (status == 101) {
            return new RawHttp(status, headers, "", s);
        }
        String body = "";
        List<String> length = headers.get("content-length");
        if (length != null) {
            byte[] b = in.readNBytes(Integer.parseInt(length.get(0)));
            body = new String(b, StandardCharsets.UTF_8);
        }
        s.close();
        return new RawHttp(status, headers, body, null);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection ended inside the response head: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
