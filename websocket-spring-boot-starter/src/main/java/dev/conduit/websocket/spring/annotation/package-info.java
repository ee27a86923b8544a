/**
 * {@link dev.conduit.websocket.spring.annotation.WebSocketEndpoint}: a bean method that receives a
 * {@link dev.conduit.websocket.Conn} for each connection to a path, and its per-endpoint settings.
 */
package dev.conduit.websocket.spring.annotation;
