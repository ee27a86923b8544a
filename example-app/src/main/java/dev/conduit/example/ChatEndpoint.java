package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import org.springframework.stereotype.Component;

/** {@code /chat}: every text message a client sends goes to every connected client through the {@link ChatHub}. */
@Component
public class ChatEndpoint {
    private final ChatHub hub;

    /** @param hub the hub */
    public ChatEndpoint(ChatHub hub) {
        this.hub = hub;
    }

    /**
     * @param conn the connection
     * @throws IOException when the connection ends
     */
    @WebSocketEndpoint("/chat")
    public void chat(Conn conn) throws IOException {
        hub.register(conn);
        try {
            while (true) {
                Message message = conn.readMessage();
                hub.broadcast(message.data());
            }
        } finally {
            hub.unregister(conn);
        }
    }
}
