package dev.conduit.websocket.spring.hub;

import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The frames of the recovery protocol, for connections joined with {@link Hub#join(String,
 * dev.conduit.websocket.Conn, String)}: each message is a JSON text frame
 * {@code {"id":"<id>","text":"<text>"}} (binary: {@code "binary":"<base64>"}; {@code "id":null} when
 * the relay gives no positions), and after a recovery {@code {"recovered":true|false,"missed":<n>}}.
 */
final class IdFrames {
    private IdFrames() {
    }

    static PreparedMessage message(String id, int messageType, byte[] data) {
        StringBuilder json = new StringBuilder(data.length + 48).append("{\"id\":");
        if (id == null) {
            json.append("null");
        } else {
            json.append('"').append(id).append('"');
        }
        if (messageType == WebSocket.TEXT_MESSAGE) {
            json.append(",\"text\":");
            quote(json, new String(data, StandardCharsets.UTF_8));
        } else {
            json.append(",\"binary\":\"").append(Base64.getEncoder().encodeToString(data)).append('"');
        }
        return text(json.append('}').toString());
    }

    static PreparedMessage recovered(boolean complete, int missed) {
        return text("{\"recovered\":" + complete + ",\"missed\":" + missed + "}");
    }

    private static PreparedMessage text(String json) {
        return new PreparedMessage(WebSocket.TEXT_MESSAGE, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
