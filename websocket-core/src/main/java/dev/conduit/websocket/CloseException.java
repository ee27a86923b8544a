package dev.conduit.websocket;

/**
 * gorilla's {@code CloseError}: the connection was closed, either by a close message from the
 * peer (with its code and reason) or abnormally (code {@link WebSocket#CLOSE_ABNORMAL_CLOSURE},
 * text {@code "unexpected EOF"}, when TCP ended without a close message).
 * <p>
 * The message reads like gorilla's: {@code websocket: close 1001 (going away): bye}.
 * Use {@link WebSocket#isCloseError(Throwable, int...)} and
 * {@link WebSocket#isUnexpectedCloseError(Throwable, int...)} to classify it.
 */
public final class CloseException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    /** The close code. */
    private final int code;
    /** The close reason. */
    private final String text;

    /**
     * @param code the close code
     * @param text the close reason, never {@code null}
     */
    public CloseException(int code, String text) {
        super(describe(code, text));
        this.code = code;
        this.text = text == null ? "" : text;
    }

    /**
     * @param code the close code
     * @param text the close reason
     * @param cause the transport error behind an abnormal closure
     */
    public CloseException(int code, String text, Throwable cause) {
        super(describe(code, text), cause);
        this.code = code;
        this.text = text == null ? "" : text;
    }

    /** @return the close code, for example 1000 */
    public int code() {
        return code;
    }

    /** @return the close reason, empty when the peer gave none */
    public String text() {
        return text;
    }

    private static String describe(int code, String text) {
        StringBuilder s = new StringBuilder("websocket: close ").append(code);
        String name = WebSocket.closeCodeText(code);
        if (name != null) {
            s.append(" (").append(name).append(')');
        }
        if (text != null && !text.isEmpty()) {
            s.append(": ").append(text);
        }
        return s.toString();
    }
}
