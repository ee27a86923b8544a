package dev.conduit.websocket.spring.connections;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the {@link WebSocketConnections} bean's sending, under {@code conduit.websocket.connections}. */
@ConfigurationProperties(prefix = "conduit.websocket.connections")
public class ConnectionsProperties {
    /** Messages queued per connection by sendToPrincipal; a connection whose queue is full is closed. */
    private int sendQueueCapacity = 64;

    /** Payload bytes queued per connection by sendToPrincipal; beyond, the connection is closed. */
    private DataSize sendQueueBytes = DataSize.ofMegabytes(1);

    /** Longest write of one sendToPrincipal message to one connection; a connection still writing then is closed. */
    private Duration sendTimeout = Duration.ofSeconds(10);

    /** Size of the sender pool when virtual threads are not used (spring.threads.virtual.enabled and Java 21+). */
    private int senderThreads = 8;

    public int getSendQueueCapacity() {
        return sendQueueCapacity;
    }

    public void setSendQueueCapacity(int sendQueueCapacity) {
        this.sendQueueCapacity = sendQueueCapacity;
    }

    public DataSize getSendQueueBytes() {
        return sendQueueBytes;
    }

    public void setSendQueueBytes(DataSize sendQueueBytes) {
        this.sendQueueBytes = sendQueueBytes;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    public int getSenderThreads() {
        return senderThreads;
    }

    public void setSenderThreads(int senderThreads) {
        this.senderThreads = senderThreads;
    }
}
