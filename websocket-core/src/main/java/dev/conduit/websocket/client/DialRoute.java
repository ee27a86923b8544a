package dev.conduit.websocket.client;

import dev.conduit.websocket.net.SocketNetConn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * How a dial's socket reaches the server: directly, through an HTTP {@code CONNECT} tunnel, or
 * through SOCKS; then TLS on top for {@code wss}.
 */
final class DialRoute {
    static final DialRoute DIRECT = new DialRoute(null, null, null, null, null);

    private final InetSocketAddress httpProxy;
    private final String proxyAuthorization;
    private final Proxy socksProxy;
    private final ProxySelector selector;
    private final URI selectedFor;

    private DialRoute(InetSocketAddress httpProxy, String proxyAuthorization, Proxy socksProxy,
                  ProxySelector selector, URI selectedFor) {
        this.httpProxy = httpProxy;
        this.proxyAuthorization = proxyAuthorization;
        this.socksProxy = socksProxy;
        this.selector = selector;
        this.selectedFor = selectedFor;
    }

    static DialRoute forProxyUri(URI proxy) {
        String scheme = proxy.getScheme() == null ? "" : proxy.getScheme().toLowerCase(Locale.ROOT);
        if (proxy.getHost() == null) {
            throw new IllegalArgumentException("websocket: proxy URI has no host");
        }
        switch (scheme) {
            case "http": {
                int port = proxy.getPort() >= 0 ? proxy.getPort() : 80;
                String auth = null;
                String userInfo = proxy.getUserInfo();
                if (userInfo != null) {
                    // RFC 7617 Basic with UTF-8; a user name without a password sends an empty password.
                    String credentials = userInfo.indexOf(':') >= 0 ? userInfo : userInfo + ":";
                    auth = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
                }
                return new DialRoute(InetSocketAddress.createUnresolved(unbracket(proxy.getHost()), port), auth, null, null, null);
            }
            case "socks":
            case "socks5": {
                if (proxy.getUserInfo() != null) {
                    throw new IllegalArgumentException("websocket: SOCKS proxy credentials are not supported");
                }
                int port = proxy.getPort() >= 0 ? proxy.getPort() : 1080;
                Proxy socks = new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved(unbracket(proxy.getHost()), port));
                return new DialRoute(null, null, socks, null, null);
            }
            default:
                throw new IllegalArgumentException("websocket: proxy: unknown scheme: " + scheme);
        }
    }

    static DialRoute forProxy(Proxy proxy, ProxySelector selector, URI uri) {
        switch (proxy.type()) {
            case HTTP:
                return new DialRoute((InetSocketAddress) proxy.address(), null, null, selector, uri);
            case SOCKS:
                return new DialRoute(null, null, proxy, selector, uri);
            default:
                return DIRECT;
        }
    }

    Socket connect(DialTarget target, Instant deadline) throws IOException {
        if (httpProxy != null) {
            Socket socket = connectTo(new Socket(), resolve(httpProxy), deadline, true);
            try {
                SocketNetConn tunnel = new SocketNetConn(socket);
                tunnel.setReadDeadline(deadline);
                tunnel.setWriteDeadline(deadline);
                HttpConnectTunnel.open(tunnel, target, proxyAuthorization);
                socket.setSoTimeout(0);
                return socket;
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        if (socksProxy != null) {
            // The JDK's SOCKS client resolves an unresolved target at the proxy.
            return connectTo(new Socket(socksProxy), InetSocketAddress.createUnresolved(target.host(), target.port()), deadline, true);
        }
        return connectTo(new Socket(), new InetSocketAddress(target.host(), target.port()), deadline, false);
    }

    private Socket connectTo(Socket socket, SocketAddress address, Instant deadline, boolean viaProxy) throws IOException {
        try {
            socket.connect(address, remainingMillis(deadline));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            if (viaProxy && selector != null) {
                selector.connectFailed(selectedFor, address, e);
            }
            throw e;
        }
    }

    private static InetSocketAddress resolve(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * @param proxy the explicit proxy URI, or {@code null}
     * @param selector the proxy selector to ask, or {@code null} for none
     * @param target where the dial goes
     * @return the explicit proxy, else the selector's first choice, else direct
     */
    static DialRoute choose(URI proxy, ProxySelector selector, DialTarget target) {
        if (proxy != null) {
            return forProxyUri(proxy);
        }
        if (selector == null) {
            return DIRECT;
        }
        URI uri = target.httpUri();
        List<Proxy> proxies = selector.select(uri);
        Proxy chosen = proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
        return forProxy(chosen, selector, uri);
    }

    /** Runs TLS over the connected socket: SNI set to the URL host, the host name verified, HTTP/1.1 offered. */
    static Socket startTls(SSLContext sslContext, Socket raw, DialTarget target, Instant deadline) throws IOException {
        SSLContext context = sslContext;
        if (context == null) {
            try {
                context = SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("websocket: no default TLS context", e);
            }
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, target.host(), target.port(), true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(target.host())) {
            params.setServerNames(List.of(new SNIHostName(target.host())));
        }
        // Offer HTTP/1.1 only: a server that picks h2 cannot upgrade (gorilla's NextProtos pitfall).
        params.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(params);
        tls.setSoTimeout(remainingMillis(deadline));
        tls.startHandshake();
        return tls;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** @return milliseconds to the deadline for socket timeouts (0 = none; at least 1 otherwise) */
    static int remainingMillis(Instant deadline) throws SocketTimeoutException {
        if (deadline == null) {
            return 0;
        }
        long millis = Duration.between(Instant.now(), deadline).toMillis();
        if (millis <= 0) {
            throw new SocketTimeoutException("handshake deadline passed");
        }
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }
}
