package dev.conduit.websocket.client;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A {@code ws://} or {@code wss://} URL taken apart for dialing.
 *
 * @param secure whether TLS is used ({@code wss})
 * @param host the host to connect to and to verify, without IPv6 brackets
 * @param port the port, 80 or 443 when the URL has none
 * @param authority the {@code Host} header value: the URL's host[:port] as written
 * @param requestTarget the path and query for the request line, {@code /} when the path is empty
 */
record DialTarget(boolean secure, String host, int port, String authority, String requestTarget) {

    /**
     * @param url a {@code ws} or {@code wss} URL without user information
     * @return the parts
     * @throws IllegalArgumentException gorilla's {@code malformed ws or wss URL} otherwise
     */
    static DialTarget of(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("websocket: malformed ws or wss URL: null");
        }
        String scheme = url.getScheme();
        boolean secure;
        if ("ws".equalsIgnoreCase(scheme)) {
            secure = false;
        } else if ("wss".equalsIgnoreCase(scheme)) {
            secure = true;
        } else {
            throw malformed(url, "the scheme must be ws or wss");
        }
        if (url.getRawUserInfo() != null) {
            throw malformed(url, "user information is not allowed");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw malformed(url, "no host");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() >= 0 ? url.getPort() : secure ? 443 : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        return new DialTarget(secure, bare, port, url.getRawAuthority(), target);
    }

    /** @return the host:port for a CONNECT request or a {@code Host} header, IPv6 in brackets */
    String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** @return the {@code http}/{@code https} form of the URL, which is what proxy selectors understand */
    URI httpUri() {
        try {
            return new URI(secure ? "https" : "http", null, host, port, "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("websocket: malformed ws or wss URL", e);
        }
    }

    /** @return the {@code http}/{@code https} form of the whole URL (path and query kept), for cookie handlers */
    URI httpRequestUri() {
        return URI.create((secure ? "https" : "http") + "://" + authority + requestTarget);
    }

    private static IllegalArgumentException malformed(URI url, String why) {
        return new IllegalArgumentException("websocket: malformed ws or wss URL (" + why + "): " + ResponseHead.printable(redact(url)));
    }

    /** Never echo credentials into an error message. */
    private static String redact(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        return url.getScheme() + "://***@" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + url.getRawPath();
    }
}
