package dev.conduit.websocket.spring.endpoint;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Presents the upgrade request to the handshake with a {@code Host} header made of the request's
 * scheme, server name and port, which the container's forwarded-header handling (Tomcat's
 * {@code RemoteIpValve}, Undertow's forwarding, Spring's {@code ForwardedHeaderFilter}) has already
 * set from trusted {@code X-Forwarded-*} or {@code Forwarded} headers. The same-origin check then
 * compares the browser's {@code Origin} with the address the browser used, not the proxy's
 * rewritten {@code Host}. Used only when the application turned forwarded headers on, since
 * otherwise a client could claim any host.
 */
final class ForwardedHostRequest extends HttpServletRequestWrapper {
    private static final String HOST = "Host";

    private final String host;

    private ForwardedHostRequest(HttpServletRequest request) {
        super(request);
        this.host = authority(request.getScheme(), request.getServerName(), request.getServerPort());
    }

    static HttpServletRequest wrap(HttpServletRequest request) {
        return request.getServerName() == null ? request : new ForwardedHostRequest(request);
    }

    // host[:port], the port left out when it is the scheme's default, as browsers write Origin.
    static String authority(String scheme, String serverName, int port) {
        String name = serverName.indexOf(':') >= 0 && !serverName.startsWith("[") ? "[" + serverName + "]" : serverName;
        boolean defaultPort = port <= 0
                || port == 80 && ("http".equalsIgnoreCase(scheme) || "ws".equalsIgnoreCase(scheme))
                || port == 443 && ("https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme));
        return defaultPort ? name : name + ":" + port;
    }

    @Override
    public String getHeader(String name) {
        return HOST.equalsIgnoreCase(name) ? host : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return HOST.equalsIgnoreCase(name) ? Collections.enumeration(java.util.List.of(host)) : super.getHeaders(name);
    }
}
