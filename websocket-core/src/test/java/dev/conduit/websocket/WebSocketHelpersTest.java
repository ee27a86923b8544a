package dev.conduit.websocket;

import static dev.conduit.websocket.WebSocket.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketHelpersTest {
    @Test
    void messageTypeConstantsHaveGorillasValues() {
        assertThat(new int[] {TEXT_MESSAGE, BINARY_MESSAGE, CLOSE_MESSAGE, PING_MESSAGE, PONG_MESSAGE})
                .containsExactly(1, 2, 8, 9, 10);
        assertThat(new int[] {CLOSE_NORMAL_CLOSURE, CLOSE_GOING_AWAY, CLOSE_PROTOCOL_ERROR, CLOSE_UNSUPPORTED_DATA,
            CLOSE_NO_STATUS_RECEIVED, CLOSE_ABNORMAL_CLOSURE, CLOSE_INVALID_FRAME_PAYLOAD_DATA, CLOSE_POLICY_VIOLATION,
            CLOSE_MESSAGE_TOO_BIG, CLOSE_MANDATORY_EXTENSION, CLOSE_INTERNAL_SERVER_ERR, CLOSE_SERVICE_RESTART,
            CLOSE_TRY_AGAIN_LATER, CLOSE_BAD_GATEWAY, CLOSE_TLS_HANDSHAKE})
                .containsExactly(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015);
    }

    @Test
    void formatCloseMessage() {
        assertThat(WebSocket.formatCloseMessage(1000, "")).containsExactly(0x03, 0xe8);
        assertThat(WebSocket.formatCloseMessage(1001, "hi")).containsExactly(0x03, 0xe9, 'h', 'i');
        assertThat(WebSocket.formatCloseMessage(1005, "ignored")).isEmpty();
        assertThat(WebSocket.formatCloseMessage(1014, "")).containsExactly(0x03, 0xf6);
        assertThat(WebSocket.formatCloseMessage(4999, "")).containsExactly(0x13, 0x87);
        for (int bad : new int[] {0, 999, 1004, 1006, 1015, 1016, 2999, 5000, 70000}) {
            assertThatThrownBy(() -> WebSocket.formatCloseMessage(bad, "")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(bad));
        }
        String r123 = "x".repeat(123);
        assertThat(WebSocket.formatCloseMessage(1000, r123)).hasSize(125);
        assertThatThrownBy(() -> WebSocket.formatCloseMessage(1000, r123 + "x")).hasMessageContaining("123");
        // 62 two-byte characters = 124 bytes: too long although only 62 chars.
        assertThatThrownBy(() -> WebSocket.formatCloseMessage(1000, "é".repeat(62))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeExceptionReadsLikeGorillasCloseError() {
        assertThat(new CloseException(1000, "")).hasMessage("websocket: close 1000 (normal)");
        assertThat(new CloseException(1001, "hi")).hasMessage("websocket: close 1001 (going away): hi");
        assertThat(new CloseException(1012, "t")).hasMessage("websocket: close 1012: t");
        assertThat(new CloseException(3000, "t")).hasMessage("websocket: close 3000: t");
        assertThat(new CloseException(1006, "unexpected EOF")).hasMessage("websocket: close 1006 (abnormal closure): unexpected EOF");
    }

    /** gorilla's TestCloseError and TestUnexpectedCloseErrors tables. */
    @Test
    void isCloseErrorAndIsUnexpectedCloseError() {
        CloseException normal = new CloseException(CLOSE_NORMAL_CLOSURE, "");
        assertThat(isCloseError(normal, CLOSE_NORMAL_CLOSURE)).isTrue();
        assertThat(isCloseError(normal, CLOSE_GOING_AWAY)).isFalse();
        assertThat(isCloseError(normal, CLOSE_GOING_AWAY, CLOSE_NORMAL_CLOSURE)).isTrue();
        assertThat(isCloseError(new IOException("x"), CLOSE_NORMAL_CLOSURE)).isFalse();
        assertThat(isCloseError(normal)).isFalse();
        assertThat(isCloseError(null, 1000)).isFalse();

        assertThat(isUnexpectedCloseError(normal, CLOSE_NORMAL_CLOSURE)).isFalse();
        assertThat(isUnexpectedCloseError(normal, CLOSE_GOING_AWAY)).isTrue();
        assertThat(isUnexpectedCloseError(normal, CLOSE_GOING_AWAY, CLOSE_NORMAL_CLOSURE)).isFalse();
        assertThat(isUnexpectedCloseError(new IOException("x"), CLOSE_NORMAL_CLOSURE)).isFalse();
        assertThat(isUnexpectedCloseError(new CloseException(1006, "unexpected EOF"), 1000, 1001)).isTrue();
    }

    @Test
    void preparedMessageValidatesAndSnapshots() {
        byte[] data = "broadcast".getBytes(StandardCharsets.UTF_8);
        PreparedMessage pm = new PreparedMessage(TEXT_MESSAGE, data);
        data[0] = 'X';
        assertThat(new String(pm.data(), StandardCharsets.UTF_8)).isEqualTo("broadcast");
        assertThatThrownBy(() -> new PreparedMessage(3, new byte[0])).hasMessageContaining("bad write message type");
        assertThatThrownBy(() -> new PreparedMessage(PING_MESSAGE, new byte[126])).hasMessageContaining("invalid control frame");
        assertThat(new PreparedMessage(PING_MESSAGE, new byte[125]).length()).isEqualTo(125);
    }
}
