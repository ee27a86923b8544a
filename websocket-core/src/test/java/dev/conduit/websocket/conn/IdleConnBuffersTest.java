package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the write side of a connection holds before it writes, over a real socket: a connection
 * that has only read (an idle subscriber, a connection waiting for its first message) holds no
 * frame buffers; its first write allocates them, and frames go out as before.
 */
class IdleConnBuffersTest {

    @Test
    void aConnectionHoldsNoFrameBuffersUntilItWrites() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server())) {
            WebSocketConn conn = (WebSocketConn) raw.conn();
            assertThat(conn.holdsWriteBuffers()).as("frame buffers of a new connection").isFalse();
            raw.send(ConnReadTest.frame(true, 1, ConnReadTest.utf8("hi")));
            assertThat(conn.readMessage().text()).isEqualTo("hi");
            assertThat(conn.holdsWriteBuffers()).as("frame buffers after reading only").isFalse();

            conn.writeMessage(TEXT_MESSAGE, "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.receive(7)).containsExactly(0x81, 0x05, 'h', 'e', 'l', 'l', 'o');
            assertThat(conn.holdsWriteBuffers()).as("frame buffers after a write").isTrue();
        }
    }

    @Test
    void aPingIsAnsweredByAConnectionThatHasNotWritten() throws Exception {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server())) {
            raw.send(ConnReadTest.concat(ConnReadTest.frame(true, 9, ConnReadTest.utf8("pp")),
                    ConnReadTest.frame(true, 1, ConnReadTest.utf8("x"))));
            assertThat(raw.conn().readMessage().text()).isEqualTo("x");
            assertThat(raw.receive(4)).containsExactly(0x8a, 0x02, 'p', 'p');
        }
    }
}
