package dev.conduit.websocket.server;

/**
 * How an upgraded connection is served on a Servlet container ({@link Upgrader.Builder#transport},
 * the Spring Boot property {@code conduit.websocket.transport}).
 */
public enum Transport {
    /**
     * The takeover where it is verified (Tomcat's plaintext NIO connector on a Tomcat version the
     * project's CI tests, {@link ServerTransport#VERIFIED_TOMCAT}), the container's streams
     * everywhere else. The default.
     */
    AUTO,
    /**
     * The container's streams, with direct non-blocking I/O on Tomcat's plaintext NIO connector
     * while Tomcat's buffers are empty; no thread of this library reads.
     */
    CONTAINER,
    /**
     * The takeover on any Tomcat with a plaintext NIO connector, verified or not: the connection
     * leaves Tomcat's poller for the WebSocket's life and a read loop of this library reads it.
     * A failure still turns it off for the rest of the JVM's life.
     */
    TAKEOVER
}
