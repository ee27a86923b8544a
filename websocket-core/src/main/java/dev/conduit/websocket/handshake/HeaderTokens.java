package dev.conduit.websocket.handshake;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated token lists in HTTP headers ({@code Connection}, {@code Upgrade},
 * {@code Sec-WebSocket-Version}, {@code Sec-WebSocket-Protocol}), parsed the way gorilla does:
 * RFC 7230 tokens, optional spaces and tabs, ASCII-only case folding, and a line stops counting at
 * its first malformed element.
 */
public final class HeaderTokens {
    private HeaderTokens() {
    }

    /**
     * Whether any of the header lines contains {@code token} as a list element, ignoring ASCII
     * case (so {@code keep-alive, Upgrade} contains {@code upgrade}, but {@code x upgrade} does not).
     *
     * @param headerLines every value of the header, may be {@code null}
     * @param token the token to look for
     * @return true if found
     */
    public static boolean containsToken(Iterable<String> headerLines, String token) {
        if (headerLines == null) {
            return false;
        }
        for (String line : headerLines) {
            for (String t : tokens(line)) {
                if (equalsAsciiIgnoreCase(t, token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The well-formed leading tokens of one header line.
     *
     * @param line a header value, may be {@code null}
     * @return the tokens up to the first malformed element
     */
    public static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        if (line == null) {
            return out;
        }
        int i = 0;
        int n = line.length();
        while (i < n) {
            i = skipSpace(line, i);
            int start = i;
            while (i < n && isTokenChar(line.charAt(i))) {
                i++;
            }
            if (i == start) {
                return out;
            }
            String token = line.substring(start, i);
            i = skipSpace(line, i);
            if (i < n && line.charAt(i) != ',') {
                return out;
            }
            out.add(token);
            i++; // past the comma (or the end)
        }
        return out;
    }

    /**
     * ASCII-only case-insensitive comparison (non-ASCII letters are not folded).
     *
     * @param a one string
     * @param b the other
     * @return true if equal under ASCII case folding
     */
    public static boolean equalsAsciiIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x == y) {
                continue;
            }
            if (x < 128 && y < 128 && Character.toLowerCase(x) == Character.toLowerCase(y)) {
                continue;
            }
            return false;
        }
        return true;
    }

    /**
     * Whether {@code c} may appear in an RFC 7230 token.
     *
     * @param c a character
     * @return true for tchar
     */
    public static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}
