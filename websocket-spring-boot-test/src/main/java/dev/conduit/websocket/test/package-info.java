/**
 * Test support for applications with {@code @WebSocketEndpoint}s: {@link dev.conduit.websocket.test.WebSocketTestClient},
 * bound to the port of the server a {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} started, and
 * {@link dev.conduit.websocket.test.TestConnection} with assertions for messages and close codes.
 */
package dev.conduit.websocket.test;
