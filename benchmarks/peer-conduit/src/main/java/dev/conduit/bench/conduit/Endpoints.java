package dev.conduit.bench.conduit;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import dev.conduit.websocket.spring.hub.Hub;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The two endpoints every peer has. */
@Component
public class Endpoints {
    private final Set<Conn> receivers = ConcurrentHashMap.newKeySet();
    private final Hub hub;

    public Endpoints(Hub hub) {
        this.hub = hub;
    }

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
     * prepared once and written to each connection in turn on the receiving handler's thread: the
     * plain loop, for comparison with {@code /broadcast} (benchmarks/broadcast-compare.sh).
     */
    @WebSocketEndpoint("/broadcast-loop")
    public void broadcastLoop(Conn conn) throws IOException {
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

    /**
     * Every message received goes to every connection of this endpoint (the sender included)
     * through the starter's {@link Hub}, as the example app's chat does: one
     * {@code PreparedMessage} per broadcast, written to each connection by that connection's
     * sender (a virtual thread on Java 21+), which writes whatever has queued up meanwhile
     * together (up to 64 messages in one system call).
     */
    @WebSocketEndpoint("/broadcast")
    public void broadcast(Conn conn) throws IOException {
        hub.join("all", conn);
        try {
            while (true) {
                Message m = conn.readMessage();
                hub.broadcast("all", m.messageType(), m.data());
            }
        } finally {
            hub.leave("all", conn);
        }
    }
}
