package dev.conduit.websocket.spring.endpoint;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the upgrade request carried, copied before the upgrade: a Servlet container recycles the
 * {@link HttpServletRequest} once the connection is handed over, so a handler cannot use it.
 *
 * @param uri the request URI as the server saw it (scheme, host, port, path and query)
 * @param headers the request headers; names are case-insensitive
 * @param queryParameters the query parameters, decoded
 * @param pathVariables the variables captured by the endpoint's path pattern
 * @param remoteAddress the client's address (or the last proxy's)
 * @param principal the authenticated user, or {@code null}
 */
public record HandshakeInfo(
        URI uri,
        Map<String, List<String>> headers,
        Map<String, List<String>> queryParameters,
        Map<String, String> pathVariables,
        InetSocketAddress remoteAddress,
        Principal principal) {

    /**
     * Copies what a handler may need from the upgrade request.
     *
     * @param request the upgrade request, before the upgrade
     * @param pathVariables the variables the path pattern captured
     * @return the snapshot
     */
    public static HandshakeInfo of(HttpServletRequest request, Map<String, String> pathVariables) {
        StringBuffer url = request.getRequestURL();
        if (request.getQueryString() != null) {
            url.append('?').append(request.getQueryString());
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, List.copyOf(Collections.list(request.getHeaders(name))));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> query.put(name, List.of(values)));
        return new HandshakeInfo(URI.create(url.toString()),
                Collections.unmodifiableMap(headers),
                Collections.unmodifiableMap(query),
                Map.copyOf(pathVariables),
                remoteAddress(request),
                request.getUserPrincipal());
    }

    /**
     * @param name a header name, in any case
     * @return the header's first value, or {@code null}
     */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * @param name a query parameter name
     * @return the parameter's first value, or {@code null}
     */
    public String queryParameter(String name) {
        List<String> values = queryParameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * @return the subprotocols the client offered, in its order of preference
     */
    public List<String> requestedSubprotocols() {
        List<String> result = new ArrayList<>();
        for (String value : headers.getOrDefault("Sec-WebSocket-Protocol", List.of())) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    result.add(token.trim());
                }
            }
        }
        return result;
    }

    private static InetSocketAddress remoteAddress(HttpServletRequest request) {
        String host = request.getRemoteAddr();
        try {
            // An IP literal: getByName parses it without a DNS lookup.
            return new InetSocketAddress(InetAddress.getByName(host), request.getRemotePort());
        } catch (UnknownHostException | RuntimeException e) {
            return InetSocketAddress.createUnresolved(String.valueOf(host), request.getRemotePort());
        }
    }
}
