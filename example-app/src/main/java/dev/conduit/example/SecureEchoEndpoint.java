package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.stereotype.Component;

/**
 * {@code /secure/echo}: only for an authenticated user ({@link SecurityConfig}). It greets the
 * {@link Principal} by name, then answers each text message through {@link SecuredEchoService},
 * whose {@code @PreAuthorize} runs in the upgrade request's security context: a user without the
 * role USER is refused there, which ends the handler and closes the connection with 1011.
 */
@Component
public class SecureEchoEndpoint {
    private final SecuredEchoService service;

    SecureEchoEndpoint(SecuredEchoService service) {
        this.service = service;
    }

    /**
     * @param conn the connection
     * @param principal the authenticated user of the upgrade request
     * @throws IOException when the connection ends
     */
    @WebSocketEndpoint("/secure/echo")
    public void echo(Conn conn, Principal principal) throws IOException {
        conn.writeMessage(WebSocket.TEXT_MESSAGE, ("hello " + principal.getName()).getBytes(StandardCharsets.UTF_8));
        while (true) {
            String text = conn.readMessage().text();
            conn.writeMessage(WebSocket.TEXT_MESSAGE, service.echo(text).getBytes(StandardCharsets.UTF_8));
        }
    }
}
