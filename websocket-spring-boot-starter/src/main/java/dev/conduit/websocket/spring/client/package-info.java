/**
 * The client side as a bean: a {@link dev.conduit.websocket.client.Dialer} configured from
 * {@code conduit.websocket.client.*}, measured with the {@code websocket.client.*} meters when the
 * application has a {@code MeterRegistry}.
 */
package dev.conduit.websocket.spring.client;
