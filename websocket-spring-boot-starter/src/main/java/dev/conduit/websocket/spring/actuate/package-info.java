/**
 * The {@code websockets} Actuator endpoint: each {@code @WebSocketEndpoint}'s path, subprotocols,
 * allowed origins and connection counts.
 */
package dev.conduit.websocket.spring.actuate;
