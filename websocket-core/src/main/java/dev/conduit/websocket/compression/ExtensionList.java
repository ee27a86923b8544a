package dev.conduit.websocket.compression;

import java.util.ArrayList;
import java.util.List;

/**
 * The parsed {@code Sec-WebSocket-Extensions} header lines (RFC 6455 §9.1):
 * {@code extension *("," extension)}, {@code extension = token *(";" param)},
 * {@code param = token ["=" (token / quoted-string)]}, with optional spaces and tabs around the
 * separators. As in gorilla, a malformed element ends the parsing of its line: the well-formed
 * elements before it are kept, it and everything after it on that line are dropped, and
 * {@link #malformed()} reports that something was dropped (a client must fail such a response; a
 * server just has fewer usable offers).
 *
 * @param elements the well-formed elements of all lines, in order
 * @param malformed whether any line had a malformed element
 */
public record ExtensionList(List<Extension> elements, boolean malformed) {
    /**
     * @param elements the elements (copied)
     * @param malformed whether any line had a malformed element
     */
    public ExtensionList {
        elements = List.copyOf(elements);
    }

    /**
     * Parses every line of the header.
     *
     * @param headerLines the header's values, may be {@code null}
     * @return the elements and whether anything was malformed
     */
    public static ExtensionList parse(Iterable<String> headerLines) {
        List<Extension> out = new ArrayList<>();
        boolean malformed = false;
        if (headerLines != null) {
            for (String line : headerLines) {
                if (line != null && !parseLine(line, out)) {
                    malformed = true;
                }
            }
        }
        return new ExtensionList(out, malformed);
    }

    /** @return false if the line had a malformed element (the elements before it were added) */
    private static boolean parseLine(String s, List<Extension> out) {
        Cursor c = new Cursor(s);
        c.skipSpace();
        if (c.atEnd()) {
            return true; // an empty header value lists nothing
        }
        while (true) {
            String name = c.token();
            if (name == null) {
                return false;
            }
            List<ExtensionParam> params = new ArrayList<>();
            c.skipSpace();
            while (c.peek() == ';') {
                c.advance();
                c.skipSpace();
                String paramName = c.token();
                if (paramName == null) {
                    return false;
                }
                c.skipSpace();
                String value = null;
                if (c.peek() == '=') {
                    c.advance();
                    c.skipSpace();
                    value = c.peek() == '"' ? c.quotedString() : c.token();
                    if (value == null) {
                        return false;
                    }
                    c.skipSpace();
                }
                params.add(new ExtensionParam(paramName, value));
            }
            if (c.atEnd()) {
                out.add(new Extension(name, params));
                return true;
            }
            if (c.peek() != ',') {
                return false;
            }
            out.add(new Extension(name, params));
            c.advance();
            c.skipSpace();
        }
    }

    /**
     * RFC 7230 tchar. (The same rule as {@code handshake.HeaderTokens}, repeated so that the
     * handshake package may depend on this one without a cycle.)
     */
    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** A position in one header line. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        /** @return the current character, or 0 at the end */
        char peek() {
            return atEnd() ? 0 : s.charAt(i);
        }

        void advance() {
            i++;
        }

        void skipSpace() {
            while (!atEnd() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        /** @return the token here, or {@code null} if there is none */
        String token() {
            int start = i;
            while (!atEnd() && isTokenChar(s.charAt(i))) {
                i++;
            }
            return i == start ? null : s.substring(start, i);
        }

        /** @return the unescaped quoted string here, or {@code null} if it is not terminated */
        String quotedString() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (!atEnd()) {
                char ch = s.charAt(i++);
                if (ch == '"') {
                    return b.toString();
                }
                if (ch == '\\') {
                    if (atEnd()) {
                        return null;
                    }
                    ch = s.charAt(i++);
                }
                b.append(ch);
            }
            return null;
        }
    }
}
