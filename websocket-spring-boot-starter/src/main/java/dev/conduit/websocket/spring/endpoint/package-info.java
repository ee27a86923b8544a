/**
 * Routing and running {@code @WebSocketEndpoint} handlers: the handler mapping in Spring MVC, the
 * handshake snapshot a handler may take, the connection limit and the closing of every connection
 * when the application stops.
 */
package dev.conduit.websocket.spring.endpoint;
