package dev.conduit.websocket.conn;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.NetConn;

/** Placeholder: the implementation lands in the next commit. */
public abstract class WebSocketConn implements Conn {
    /**
     * @param netConn the transport, after a completed handshake
     * @param settings what the handshake negotiated
     * @return the connection
     */
    public static WebSocketConn open(NetConn netConn, ConnSettings settings) {
        throw new UnsupportedOperationException("not yet");
    }
}
