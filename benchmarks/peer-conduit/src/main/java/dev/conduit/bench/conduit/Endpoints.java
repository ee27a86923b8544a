package dev.conduit.bench.conduit;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The two endpoints every peer has. */
@Component
public class Endpoints {
    private final Set<Conn> receivers = ConcurrentHashMap.newKeySet();

    /** gorilla's echo: every message back, same type. */
    @WebSocketEndpoint("/echo")
    public void echo(Conn conn) throws IOException {
        while (true) {
            Message m = conn.readMessage();
            conn.writeMessage(m.messageType(), m.data());
        }
    }

    /**
     * Every message received goes to every connection of this endpoint (the sender included),
     * prepared once and written on the receiving handler's thread.
     */
    @WebSocketEndpoint("/broadcast")
    public void broadcast(Conn conn) throws IOException {
        receivers.add(conn);
        try {
            while (true) {
                Message m = conn.readMessage();
                PreparedMessage prepared = new PreparedMessage(m.messageType(), m.data());
                for (Conn c : receivers) {
                    try {
                        c.writePreparedMessage(prepared);
                    } catch (IOException e) {
                        receivers.remove(c);
                    }
                }
            }
        } finally {
            receivers.remove(conn);
        }
    }
}
