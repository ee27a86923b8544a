/**
 * The server side on any Servlet container with HTTP upgrade:
 * {@link dev.conduit.websocket.server.Upgrader} answers the handshake and runs a handler with the
 * new {@link dev.conduit.websocket.Conn} on the thread the container gives the upgraded connection.
 * The transports behind the {@code Conn}: the container's streams, and on Tomcat's plaintext NIO
 * connector the socket channel taken from Tomcat's poller and served by a small read loop.
 */
package dev.conduit.websocket.server;
