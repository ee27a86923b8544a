package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import org.springframework.stereotype.Component;

/** {@code /json}: gorilla's jsonHandler. Reads a {@link Request}, answers a {@link Response}. */
@Component
public class JsonEndpoint {

    /**
     * What the client sends.
     *
     * @param action what to do
     * @param data the data to process
     */
    public record Request(String action, String data) {
    }

    /**
     * What the server answers.
     *
     * @param status "ok"
     * @param result the processed data
     */
    public record Response(String status, String result) {
    }

    /**
     * @param conn the connection
     * @throws IOException when the connection ends or a message is not a Request
     */
    @WebSocketEndpoint("/json")
    public void json(Conn conn) throws IOException {
        while (true) {
            Request request = conn.readJson(Request.class);
            conn.writeJson(new Response("ok", "Processed: " + request.data()));
        }
    }
}
