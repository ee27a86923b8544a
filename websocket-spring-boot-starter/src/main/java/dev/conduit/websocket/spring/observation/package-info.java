/**
 * Micrometer Observation of each connection ({@code websocket.server.connection}), a child of the
 * upgrade request's {@code http.server.requests} observation and in scope on the handler's thread,
 * so that with Micrometer Tracing the handler runs in a span of the request's trace.
 */
package dev.conduit.websocket.spring.observation;
