package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * gorilla's Hub: one thread takes each message from the broadcast queue, prepares it once and
 * writes it to every connection, dropping connections whose write fails.
 */
@Component
public class ChatHub implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(ChatHub.class);
    // A receiver that cannot take a message within this time is dropped rather than stall the others.
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);

    private final Set<Conn> connections = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<byte[]> broadcast = new LinkedBlockingQueue<>();
    private volatile Thread thread;

    /** @param conn a connection that receives every broadcast from now on */
    public void register(Conn conn) {
        connections.add(conn);
    }

    /** @param conn a connection that receives no more broadcasts */
    public void unregister(Conn conn) {
        connections.remove(conn);
    }

    /** @param message a text message for every connection */
    public void broadcast(byte[] message) {
        broadcast.add(message);
    }

    /** @return how many connections receive broadcasts */
    public int size() {
        return connections.size();
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            byte[] message;
            try {
                message = broadcast.take();
            } catch (InterruptedException e) {
                return;
            }
            PreparedMessage prepared = new PreparedMessage(WebSocket.TEXT_MESSAGE, message);
            for (Conn conn : connections) {
                try {
                    conn.setWriteDeadline(Instant.now().plus(WRITE_WAIT));
                    conn.writePreparedMessage(prepared);
                } catch (IOException e) {
                    log.debug("Dropping chat connection {}: {}", conn.remoteAddr(), e.toString());
                    connections.remove(conn);
                    try {
                        conn.close();
                    } catch (IOException closeError) {
                        log.debug("Close failed: {}", closeError.toString());
                    }
                }
            }
        }
    }

    @Override
    public void start() {
        Thread t = new Thread(this::run, "chat-hub");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
