package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import org.springframework.stereotype.Component;

/**
 * {@code /stream}: gorilla's streamHandler. Copies each message from its reader to a writer of the
 * same type without holding the whole message in memory.
 */
@Component
public class StreamEndpoint {

    /**
     * @param conn the connection
     * @throws IOException when the connection ends
     */
    @WebSocketEndpoint(path = "/stream", maxMessageSize = 16 * 1024 * 1024)
    public void stream(Conn conn) throws IOException {
        while (true) {
            MessageReader message = conn.nextReader();
            try (OutputStream writer = conn.nextWriter(message.messageType())) {
                message.reader().transferTo(writer);
            }
        }
    }
}
