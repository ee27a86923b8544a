package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import org.springframework.stereotype.Component;

/** {@code /echo}: gorilla's echoHandler. Sends every message back with the same type. */
@Component
public class EchoEndpoint {

    /**
     * @param conn the connection
     * @throws IOException when the connection ends
     */
    @WebSocketEndpoint(path = "/echo", maxMessageSize = 16 * 1024 * 1024)
    public void echo(Conn conn) throws IOException {
        while (true) {
            Message message = conn.readMessage();
            conn.writeMessage(message.messageType(), message.data());
        }
    }
}
