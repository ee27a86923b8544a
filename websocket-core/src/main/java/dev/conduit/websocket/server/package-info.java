/**
 * The server side on any Servlet container with HTTP upgrade:
 * {@link dev.conduit.websocket.server.Upgrader} answers the handshake and runs a handler with the
 * new {@link dev.conduit.websocket.Conn} on the thread the container gives the upgraded connection.
 * {@link dev.conduit.websocket.server.ServerTransport} chooses how connections are served
 * ({@link dev.conduit.websocket.server.Transport}) and owns the threads that serve them. The
 * transports themselves (the container's streams, direct I/O and the read loop of the channel
 * taken from Tomcat's poller) live in {@code dev.conduit.websocket.server.internal}, which is not API.
 */
package dev.conduit.websocket.server;
