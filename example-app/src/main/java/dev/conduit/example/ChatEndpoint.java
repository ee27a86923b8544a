package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.hub.Hub;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * {@code /chat}: every message a client sends goes to every connected client through the starter's
 * {@link Hub}: on this instance, and on every instance when the hub relays through Redis
 * ({@code conduit.websocket.hub.redis.enabled=true}).
 */
@Component
public class ChatEndpoint {
    /** The hub topic of the chat room. */
    static final String TOPIC = "chat";

    private final Hub hub;

    /** @param hub the hub */
    public ChatEndpoint(Hub hub) {
        this.hub = hub;
    }

    /**
     * @param conn the connection
     * @throws IOException when the connection ends
     */
    @WebSocketEndpoint("/chat")
    public void chat(Conn conn) throws IOException {
        hub.join(TOPIC, conn);
        try {
            while (true) {
                Message message = conn.readMessage();
                hub.broadcast(TOPIC, message.messageType(), message.data());
            }
        } finally {
            hub.leave(conn);
        }
    }
}
