/**
 * {@link dev.conduit.websocket.NetConn} over a {@link java.net.Socket}: the transport of the
 * {@link dev.conduit.websocket.client.Dialer}'s connections, with read and write deadlines.
 */
package dev.conduit.websocket.net;
