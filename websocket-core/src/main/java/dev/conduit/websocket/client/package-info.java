/**
 * The client side: {@link dev.conduit.websocket.client.Dialer} opens ws:// and wss://
 * connections, directly or through an HTTP CONNECT proxy, and checks the server's response before
 * it returns a {@link dev.conduit.websocket.Conn}; {@link dev.conduit.websocket.client.Reconnector}
 * keeps one open, redialing with the back-off of {@link dev.conduit.websocket.client.Backoff}.
 */
package dev.conduit.websocket.client;
