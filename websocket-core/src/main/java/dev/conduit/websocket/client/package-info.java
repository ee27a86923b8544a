/**
 * The client side: {@link dev.conduit.websocket.client.Dialer} opens ws:// and wss://
 * connections, directly or through an HTTP CONNECT proxy, and checks the server's response before
 * it returns a {@link dev.conduit.websocket.Conn}.
 */
package dev.conduit.websocket.client;
