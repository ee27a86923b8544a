package dev.conduit.websocket.handshake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The default origin check: gorilla's same-origin rule, widened by allowed origin patterns.
 * <ul>
 *   <li>No {@code Origin} header: allowed (not a browser; browsers always send it on upgrades).</li>
 *   <li>{@code Origin: null} (sandboxed frames, {@code file:} pages): refused, unless a pattern is
 *       exactly {@code null}.</li>
 *   <li>Same origin: the origin's host, including the port if it has one, equals the request's
 *       {@code Host} header ignoring case. The scheme is not compared.</li>
 *   <li>Patterns: an origin is also allowed if it matches a pattern in full, ignoring case, where
 *       {@code *} stands for any run of characters ({@code https://*.example.com},
 *       {@code http://localhost:*}); the pattern {@code *} allows every origin except
 *       {@code null}.</li>
 * </ul>
 */
public final class OriginRules {
    private final List<String> patterns;
    private final List<Pattern> compiled;

    private OriginRules(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(OriginRules::compile).toList();
    }

    /**
     * @param patterns allowed origin patterns in addition to the same origin, may be empty
     * @return the rules
     */
    public static OriginRules sameOriginOr(List<String> patterns) {
        return new OriginRules(patterns == null ? List.of() : patterns);
    }

    /** @return the allowed origin patterns */
    public List<String> patterns() {
        return patterns;
    }

    /**
     * @param request the upgrade request
     * @return whether its origin is allowed
     */
    public boolean allows(HandshakeRequest request) {
        String origin = request.header("Origin");
        if (origin == null) {
            return true;
        }
        origin = origin.trim();
        if (origin.equals("null")) {
            return patterns.contains("null");
        }
        if (isSameOrigin(origin, request.header("Host"))) {
            return true;
        }
        for (Pattern p : compiled) {
            if (p.matcher(origin).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * gorilla's {@code checkSameOrigin}: the origin's authority (host and port as written) equals
     * the Host header under ASCII case folding.
     *
     * @param origin the Origin header value
     * @param host the Host header value, may be {@code null}
     * @return true if same origin
     */
    public static boolean isSameOrigin(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            String authority = new URI(origin).getRawAuthority();
            return authority != null && HeaderTokens.equalsAsciiIgnoreCase(authority, host.trim());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** @return a description for logs, naming the rule that refused an origin */
    @Override
    public String toString() {
        return patterns.isEmpty() ? "same-origin" : "same-origin or patterns " + patterns;
    }

    private static Pattern compile(String pattern) {
        if (pattern.equals("*")) {
            return Pattern.compile(".+");
        }
        // Quote the literal parts; each '*' between them matches any run of characters.
        String[] parts = pattern.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            regex.append(".*").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
