package dev.conduit.websocket.spring.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the auto-configured client {@code Dialer}. */
@ConfigurationProperties(prefix = "conduit.websocket.client")
public class ConduitWebSocketClientProperties {
    /** Whether to define a Dialer bean. */
    private boolean enabled = true;

    /** The value of the uri tag of the Dialer bean's websocket.client.* meters (one Dialer dials many URLs). */
    private String name = "default";

    /** Time to connect, negotiate TLS and complete the handshake. */
    private Duration handshakeTimeout = Duration.ofSeconds(45);

    /** Each connection's read buffer. */
    private DataSize readBufferSize = DataSize.ofBytes(4096);

    /** Each connection's write buffer. */
    private DataSize writeBufferSize = DataSize.ofBytes(4096);

    /** Largest message a connection may read (close 1009 beyond); 0 for no limit. */
    private DataSize maxMessageSize = DataSize.ofMegabytes(1);

    /** How long an automatic pong or close reply may take to go out. */
    private Duration controlTimeout = Duration.ofSeconds(1);

    /** Subprotocols offered, in order of preference. */
    private List<String> subprotocols = new ArrayList<>();

    /** Whether to offer permessage-deflate. */
    private boolean compression;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Duration getHandshakeTimeout() {
        return handshakeTimeout;
    }

    public void setHandshakeTimeout(Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
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

    public Duration getControlTimeout() {
        return controlTimeout;
    }

    public void setControlTimeout(Duration controlTimeout) {
        this.controlTimeout = controlTimeout;
    }

    public List<String> getSubprotocols() {
        return subprotocols;
    }

    public void setSubprotocols(List<String> subprotocols) {
        this.subprotocols = subprotocols;
    }

    public boolean isCompression() {
        return compression;
    }

    public void setCompression(boolean compression) {
        this.compression = compression;
    }
}
