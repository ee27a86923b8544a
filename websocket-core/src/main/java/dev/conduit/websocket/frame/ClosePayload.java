package dev.conduit.websocket.frame;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.WebSocket;
import java.nio.charset.StandardCharsets;

/**
 * A received close frame's payload, validated as RFC 6455 §5.5.1 and §7.4 require (stricter than
 * gorilla: a 1-byte payload is a protocol error, 1014 is accepted).
 *
 * @param code the close code, 1005 when the payload was empty
 * @param reason the reason, empty if none
 */
public record ClosePayload(int code, String reason) {

    /**
     * @param payload the unmasked close frame payload
     * @param len its length
     * @return the code and reason
     * @throws ProtocolException 1002 for a 1-byte payload or a code that may not be sent, 1007 for a
     *         reason that is not UTF-8
     */
    public static ClosePayload parse(byte[] payload, int len) throws ProtocolException {
        if (len == 0) {
            return new ClosePayload(WebSocket.CLOSE_NO_STATUS_RECEIVED, "");
        }
        if (len == 1) {
            throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "close frame with a 1-byte payload");
        }
        int code = (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
        if (!WebSocket.isValidSendCloseCode(code)) {
            throw new ProtocolException(WebSocket.CLOSE_PROTOCOL_ERROR, "bad close code " + code);
        }
        if (!Utf8Validator.isValid(payload, 2, len - 2)) {
            throw new ProtocolException(WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA, "invalid utf8 payload in close frame");
        }
        return new ClosePayload(code, new String(payload, 2, len - 2, StandardCharsets.UTF_8));
    }
}
