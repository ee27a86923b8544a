package dev.conduit.websocket.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Conduit WebSocket server side, under {@code conduit.websocket}.
 */
@ConfigurationProperties(prefix = "conduit.websocket")
public class ConduitWebSocketProperties {

    /** Whether to route @WebSocketEndpoint handlers and register the Upgrader. */
    private boolean enabled = true;

    /** Size of each connection's read buffer. */
    private DataSize readBufferSize = DataSize.ofBytes(4096);

    /** Size of each connection's write buffer; a message larger than this goes out in several frames. */
    private DataSize writeBufferSize = DataSize.ofBytes(4096);

    /**
     * Largest message a handler may read, unless its @WebSocketEndpoint sets maxMessageSize; a larger
     * message closes the connection with 1009. 0 means no limit.
     */
    private DataSize maxMessageSize = DataSize.ofMegabytes(1);

    /** Time allowed for the opening handshake. */
    private Duration handshakeTimeout = Duration.ofSeconds(10);

    /**
     * Origin patterns accepted in addition to same-origin requests (for example
     * "https://*.example.com", or "*" for any origin). Empty accepts only same-origin requests and
     * requests without an Origin header. An endpoint's allowedOrigins replaces this list.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /**
     * Subprotocols supported by endpoints that declare none, in the server's order of preference.
     */
    private List<String> subprotocols = new ArrayList<>();

    /**
     * Most connections open at once across all endpoints; upgrades beyond are refused with 503.
     * Unset: 10000 when Tomcat runs on virtual threads, else 1000. With platform threads each open
     * connection holds one of Tomcat's threads: unless server.tomcat.threads.max is set, it is raised
     * to this value plus 200 for ordinary requests.
     */
    private Integer maxConnections;

    /**
     * How long stopping the application waits for connections to end after sending them close 1001.
     * Keep it below spring.lifecycle.timeout-per-shutdown-phase.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /** How long closing a connection waits for the peer's close reply when a handler ends. */
    private Duration closeTimeout = Duration.ofSeconds(1);

    /**
     * Close a connection with 1001 when no frame (data, ping or pong) arrived for this long while its
     * handler reads. Off (0) by default: a handler that reads with its own deadline needs none.
     */
    private Duration idleTimeout = Duration.ZERO;

    /**
     * Most handshakes in progress at once across all endpoints; more are refused with 503. 0: no bound.
     */
    private int maxConcurrentHandshakes = 100;

    /**
     * Keep-alive: send a ping this often, so that a peer gone without FIN or RST (half-open TCP) is
     * detected when its pong does not come within {@code pong-timeout}. Off (0) by default.
     */
    private Duration pingInterval = Duration.ZERO;

    /**
     * Keep-alive: how long a ping may stay unanswered before the connection is closed. 0: the ping
     * interval.
     */
    private Duration pongTimeout = Duration.ZERO;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public DataSize getReadBufferSize() {
        return readBufferSize;
    }

    public void setReadBufferSize(DataSize readBufferSize) {
        this.readBufferSize = readBufferSize;
    }

    public DataSize getWriteBufferSize() {
        return writeBufferSize;
    }

    public void setWriteBufferSize(DataSize writeBufferSize) {
        this.writeBufferSize = writeBufferSize;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public List<String> getSubprotocols() {
        return subprotocols;
    }

    public void setSubprotocols(List<String> subprotocols) {
        this.subprotocols = subprotocols;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getCloseTimeout() {
        return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
        this.closeTimeout = closeTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getPingInterval() {
        return pingInterval;
    }

    public void setPingInterval(Duration pingInterval) {
        this.pingInterval = pingInterval;
    }

    public Duration getPongTimeout() {
        return pongTimeout;
    }

    public void setPongTimeout(Duration pongTimeout) {
        this.pongTimeout = pongTimeout;
    }

    public int getMaxConcurrentHandshakes() {
        return maxConcurrentHandshakes;
    }

    public void setMaxConcurrentHandshakes(int maxConcurrentHandshakes) {
        this.maxConcurrentHandshakes = maxConcurrentHandshakes;
    }
}
