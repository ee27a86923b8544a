package dev.conduit.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The package-level names of gorilla/websocket: message types, close codes, and the helpers
 * {@code FormatCloseMessage}, {@code IsCloseError}, {@code IsUnexpectedCloseError},
 * {@code JoinMessages} and the deprecated {@code ReadJSON}/{@code WriteJSON}.
 * <p>
 * Typical use is {@code import static dev.conduit.websocket.WebSocket.*;}.
 */
public final class WebSocket {
    private WebSocket() {
    }

    /** A text data message; the payload is UTF-8 (validated on receipt). */
    public static final int TEXT_MESSAGE = 1;
    /** A binary data message. */
    public static final int BINARY_MESSAGE = 2;
    /** A close control message; build its payload with {@link #formatCloseMessage(int, String)}. */
    public static final int CLOSE_MESSAGE = 8;
    /** A ping control message; payload at most 125 bytes. */
    public static final int PING_MESSAGE = 9;
    /** A pong control message; payload at most 125 bytes. */
    public static final int PONG_MESSAGE = 10;

    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int CLOSE_NORMAL_CLOSURE = 1000;
    /** 1001: an endpoint is going away (server shutdown, browser navigating away). */
    public static final int CLOSE_GOING_AWAY = 1001;
    /** 1002: protocol error. */
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    /** 1003: the endpoint cannot accept this type of data. */
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;
    /** 1005: no status code was present; never sent on the wire. */
    public static final int CLOSE_NO_STATUS_RECEIVED = 1005;
    /** 1006: the connection closed without a close message; never sent on the wire. */
    public static final int CLOSE_ABNORMAL_CLOSURE = 1006;
    /** 1007: message data inconsistent with its type (for example text that is not UTF-8). */
    public static final int CLOSE_INVALID_FRAME_PAYLOAD_DATA = 1007;
    /** 1008: the message violates the endpoint's policy. */
    public static final int CLOSE_POLICY_VIOLATION = 1008;
    /** 1009: the message is too big to process. */
    public static final int CLOSE_MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected the server to negotiate an extension. */
    public static final int CLOSE_MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. */
    public static final int CLOSE_INTERNAL_SERVER_ERR = 1011;
    /** 1012: the service is restarting. */
    public static final int CLOSE_SERVICE_RESTART = 1012;
    /** 1013: try again later. */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;
    /** 1014: bad gateway (IANA-registered; accepted on receipt, unlike gorilla). */
    public static final int CLOSE_BAD_GATEWAY = 1014;
    /** 1015: TLS handshake failure; never sent on the wire. */
    public static final int CLOSE_TLS_HANDSHAKE = 1015;

    /**
     * Builds the payload of a close message: the code as two big-endian bytes followed by the
     * UTF-8 reason. Code 1005 yields an empty payload (a close message without a status), as in
     * gorilla. Unlike gorilla, codes that must never be sent (1004, 1006, 1015, and anything
     * outside 1000–1014 and 3000–4999) and reasons longer than 123 bytes are refused.
     *
     * @param closeCode the close code
     * @param text the reason, may be empty
     * @return the payload for {@link Conn#writeControl(int, byte[], java.time.Instant)} or
     *         {@link Conn#writeMessage(int, byte[])} with {@link #CLOSE_MESSAGE}
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public static byte[] formatCloseMessage(int closeCode, String text) {
        if (closeCode == CLOSE_NO_STATUS_RECEIVED) {
            return new byte[0];
        }
        if (!isValidSendCloseCode(closeCode)) {
            throw new IllegalArgumentException("websocket: close code " + closeCode + " may not be sent");
        }
        byte[] reason = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        if (reason.length > 123) {
            throw new IllegalArgumentException(
                    "websocket: close reason is " + reason.length + " bytes, at most 123 fit in a close frame");
        }
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (closeCode >> 8);
        payload[1] = (byte) closeCode;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    /**
     * Whether a close code may appear in a close frame on the wire (RFC 6455 §7.4, IANA
     * registry): 1000–1003, 1007–1014, and 3000–4999.
     *
     * @param code the close code
     * @return true if the code may be sent and must be accepted on receipt
     */
    public static boolean isValidSendCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /**
     * gorilla's {@code IsCloseError}: whether {@code error} is a {@link CloseException} whose code
     * is one of {@code codes}.
     *
     * @param error any error, may be {@code null}
     * @param codes the close codes to look for
     * @return true if {@code error} is a close error with one of the codes
     */
    public static boolean isCloseError(Throwable error, int... codes) {
        if (error instanceof CloseException ce) {
            for (int code : codes) {
                if (ce.code() == code) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * gorilla's {@code IsUnexpectedCloseError}: whether {@code error} is a {@link CloseException}
     * whose code is <em>not</em> one of {@code expectedCodes}. A peer that dropped TCP gives code
     * 1006, so {@code isUnexpectedCloseError(e, 1000, 1001)} is the idiom to log only abnormal
     * disconnects.
     *
     * @param error any error, may be {@code null}
     * @param expectedCodes the close codes considered normal
     * @return true if {@code error} is a close error with a code not in the list
     */
    public static boolean isUnexpectedCloseError(Throwable error, int... expectedCodes) {
        if (error instanceof CloseException ce) {
            for (int code : expectedCodes) {
                if (ce.code() == code) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * gorilla's {@code JoinMessages}: one {@link InputStream} over the connection's consecutive
     * messages, with {@code term} appended after each. At the end of the connection the stream
     * throws the connection's read error (for example a {@link CloseException}), it never reports
     * a plain end of stream. The stream is not safe for concurrent reads.
     *
     * @param conn the connection to read from
     * @param term appended after every message, may be empty
     * @return the joined stream
     */
    public static InputStream joinMessages(Conn conn, String term) {
        return new JoinedMessages(conn, term == null ? new byte[0] : term.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the next message as JSON into a new {@code type}.
     *
     * @param conn the connection
     * @param type the type to decode
     * @param <T> the decoded type
     * @return the decoded value
     * @throws IOException as {@link Conn#readJson(Class)}
     * @deprecated use {@link Conn#readJson(Class)}
     */
    @Deprecated
    public static <T> T readJson(Conn conn, Class<T> type) throws IOException {
        return conn.readJson(type);
    }

    /**
     * Reads the next message as JSON into an existing object.
     *
     * @param conn the connection
     * @param value the object to update
     * @throws IOException as {@link Conn#readJson(Object)}
     * @deprecated use {@link Conn#readJson(Object)}
     */
    @Deprecated
    public static void readJson(Conn conn, Object value) throws IOException {
        conn.readJson(value);
    }

    /**
     * Writes {@code value} as a JSON text message.
     *
     * @param conn the connection
     * @param value the value to encode
     * @throws IOException as {@link Conn#writeJson(Object)}
     * @deprecated use {@link Conn#writeJson(Object)}
     */
    @Deprecated
    public static void writeJson(Conn conn, Object value) throws IOException {
        conn.writeJson(value);
    }

    /**
     * The short name gorilla prints for a close code, or {@code null} if it has none.
     *
     * @param code a close code
     * @return for example {@code "normal"} for 1000
     */
    static String closeCodeText(int code) {
        return switch (code) {
            case CLOSE_NORMAL_CLOSURE -> "normal";
            case CLOSE_GOING_AWAY -> "going away";
            case CLOSE_PROTOCOL_ERROR -> "protocol error";
            case CLOSE_UNSUPPORTED_DATA -> "unsupported data";
            case CLOSE_NO_STATUS_RECEIVED -> "no status";
            case CLOSE_ABNORMAL_CLOSURE -> "abnormal closure";
            case CLOSE_INVALID_FRAME_PAYLOAD_DATA -> "invalid payload data";
            case CLOSE_POLICY_VIOLATION -> "policy violation";
            case CLOSE_MESSAGE_TOO_BIG -> "message too big";
            case CLOSE_MANDATORY_EXTENSION -> "mandatory extension missing";
            case CLOSE_INTERNAL_SERVER_ERR -> "internal server error";
            case CLOSE_TLS_HANDSHAKE -> "TLS handshake error";
            default -> null;
        };
    }
}
