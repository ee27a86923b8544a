package dev.conduit.websocket.client;

import dev.conduit.websocket.NetConn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Opens a tunnel through an HTTP proxy with {@code CONNECT host:port} (RFC 9110 §9.3.6), as
 * gorilla does: only status 200 is accepted, and anything the proxy sends after its response head
 * is discarded.
 */
final class HttpConnectTunnel {
    private HttpConnectTunnel() {
    }

    /**
     * @param proxy the connection to the proxy (deadlines already set)
     * @param target where the tunnel should lead
     * @param proxyAuthorization the {@code Proxy-Authorization} value, or {@code null} for none
     * @throws ProxyConnectException if the proxy refused
     * @throws IOException on a transport failure
     */
    static void open(NetConn proxy, DialTarget target, String proxyAuthorization) throws IOException {
        StringBuilder request = new StringBuilder()
                .append("CONNECT ").append(target.hostPort()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.hostPort()).append("\r\n");
        if (proxyAuthorization != null) {
            request.append("Proxy-Authorization: ").append(proxyAuthorization).append("\r\n");
        }
        request.append("\r\n");
        byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
        proxy.write(bytes, 0, bytes.length);
        proxy.flush();
        ResponseHead head = ResponseHead.read(proxy, "proxy CONNECT");
        if (head.status != 200) {
            throw new ProxyConnectException(head.status, head.reason);
        }
    }

    /** The proxy answered the CONNECT request with something other than 200. */
    static final class ProxyConnectException extends IOException {
        private static final long serialVersionUID = 1L;

        ProxyConnectException(int status, String reason) {
            super("websocket: the proxy refused the tunnel: " + status + (reason.isEmpty() ? "" : " " + reason));
        }
    }
}
