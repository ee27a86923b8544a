/**
 * Micrometer meters for WebSocket connections, tagged with the endpoint's path template:
 * {@code websocket.server.*} for every endpoint, {@code websocket.client.*} for a
 * {@link dev.conduit.websocket.client.Dialer}.
 */
package dev.conduit.websocket.spring.metrics;
