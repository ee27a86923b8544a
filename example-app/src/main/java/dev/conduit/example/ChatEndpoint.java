package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.endpoint.HandshakeInfo;
import dev.conduit.websocket.spring.hub.Hub;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * {@code /chat}: every message a client sends goes to every connected client through the starter's
 * {@link Hub}: on this instance, and on every instance when the hub relays through Redis
 * ({@code conduit.websocket.hub.redis.enabled=true}).
 *
 * <p>A client that connects with {@code ?since=} (empty) receives each message as
 * {@code {"id":"…","text":"…"}}; when it reconnects with {@code ?since=<last id>} it first receives
 * what it missed, then {@code {"recovered":true|false,"missed":n}} (docs/hub.md, "Recovery").
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
    public void chat(Conn conn, HandshakeInfo handshake) throws IOException {
        // ?since=<id>: the page speaks the recovery protocol (JSON frames with ids) and, with an id,
        // first receives what it missed since that message (Streams relay, within its window).
        String since = handshake.queryParameter("since");
        if (since == null) {
            hub.join(TOPIC, conn);
        } else {
            hub.join(TOPIC, conn, since);
        }
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
