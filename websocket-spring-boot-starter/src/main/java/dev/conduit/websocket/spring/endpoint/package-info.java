/**
 * Routing and running {@code @WebSocketEndpoint} handlers: the handler mapping in Spring MVC, the
 * handshake snapshot a handler may take, the connection limit and the closing of every connection
 * when the application stops; what of the request reaches the handler's thread
 * ({@code HandlerContextPropagator}: the MDC here, the security context and the connection's
 * observation in their own packages) and the forwarded host the origin check compares with.
 */
package dev.conduit.websocket.spring.endpoint;
