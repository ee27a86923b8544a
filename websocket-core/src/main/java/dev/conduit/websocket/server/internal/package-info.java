/**
 * Not API: the server transports behind a {@link dev.conduit.websocket.Conn} and the container
 * levers they need. Nothing here is for applications; it changes without notice. The transports
 * ({@link dev.conduit.websocket.server.internal.TransportFactory} picks one per connection): the
 * container's Servlet streams, direct non-blocking I/O on Tomcat's plaintext NIO channel, and the
 * channel taken from Tomcat's poller and served by a read loop; the Tomcat and Undertow levers,
 * the takeover's steps, the poller watch and the deadline watchdog. Their threads belong to a
 * {@link dev.conduit.websocket.server.internal.TransportRuntime}, which a public
 * {@link dev.conduit.websocket.server.ServerTransport} owns.
 */
package dev.conduit.websocket.server.internal;
