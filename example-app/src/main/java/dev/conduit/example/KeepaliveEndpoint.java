package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * {@code /keepalive}: gorilla's readLoop with deadlines. The read deadline is pushed forward by
 * every message and every pong; a ticker pings the client well within the deadline, so a client
 * that answers pings stays connected while idle and one that vanished is dropped after
 * {@code example.pong-wait}. Messages are echoed back.
 */
@Component
public class KeepaliveEndpoint implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(KeepaliveEndpoint.class);
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);

    private final Duration pongWait;
    private final Duration pingPeriod;
    private final ScheduledExecutorService pinger = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "keepalive-pinger");
        t.setDaemon(true);
        return t;
    });

    /** @param properties the timings */
    public KeepaliveEndpoint(ExampleProperties properties) {
        this.pongWait = properties.pongWait();
        // Half the wait (gorilla's example uses nine tenths): a late ping or pong still lands in time.
        this.pingPeriod = pongWait.dividedBy(2);
    }

    /**
     * @param conn the connection
     * @throws IOException when the connection ends or the deadline passes
     */
    @WebSocketEndpoint("/keepalive")
    public void keepalive(Conn conn) throws IOException {
        conn.setReadDeadline(Instant.now().plus(pongWait));
        conn.setPongHandler(data -> conn.setReadDeadline(Instant.now().plus(pongWait)));
        ScheduledFuture<?> pings = pinger.scheduleAtFixedRate(() -> ping(conn),
                pingPeriod.toMillis(), pingPeriod.toMillis(), TimeUnit.MILLISECONDS);
        try {
            while (true) {
                Message message = conn.readMessage();
                conn.setReadDeadline(Instant.now().plus(pongWait));
                log.debug("Received: {}", message.text());
                conn.writeMessage(message.messageType(), message.data());
            }
        } finally {
            pings.cancel(false);
        }
    }

    private void ping(Conn conn) {
        try {
            conn.writeControl(WebSocket.PING_MESSAGE, new byte[0], Instant.now().plus(WRITE_WAIT));
        } catch (IOException e) {
            log.debug("Ping failed: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        pinger.shutdownNow();
    }
}
