package dev.conduit.websocket.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.io.IOException;
import java.io.OutputStream;

/** A conversation with an echo peer: messages of every kind and size, whole and streamed. */
public final class Conversation {
    private Conversation() {
    }

    /**
     * @param conn a connection to an echo peer
     * @param count how many messages to send and check
     * @throws IOException if the connection fails
     */
    public static void echoes(Conn conn, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] m = ("message " + i + " with some repetition, repetition, repetition; ").repeat(i * 53 % 900)
                    .getBytes(UTF_8);
            int type = i % 2 == 0 ? WebSocket.TEXT_MESSAGE : WebSocket.BINARY_MESSAGE;
            if (i % 5 == 0) {
                try (OutputStream w = conn.nextWriter(type)) {
                    for (int off = 0; off < m.length; off += 1000) {
                        w.write(m, off, Math.min(1000, m.length - off));
                    }
                }
            } else {
                conn.writeMessage(type, m);
            }
            Message back = conn.readMessage();
            assertThat(back.messageType()).isEqualTo(type);
            assertThat(back.data()).isEqualTo(m);
        }
    }
}
