package dev.conduit.websocket;

/**
 * The peer broke RFC 6455 (or RFC 7692): a reserved bit or opcode, a bad control frame, a
 * continuation out of order, wrong masking, an invalid close code, or text that is not UTF-8.
 * Before this is thrown the connection has sent a close message with {@link #closeCode()}
 * (1002 protocol error, or 1007 for invalid UTF-8) to the peer; the read side stays failed.
 */
public final class ProtocolException extends WebSocketException {
    private static final long serialVersionUID = 1L;
    /** The close code sent to the peer. */
    private final int closeCode;

    /**
     * @param closeCode the close code sent to the peer because of this error
     * @param reason what was wrong, without the {@code websocket: } prefix
     */
    public ProtocolException(int closeCode, String reason) {
        super("websocket: " + reason);
        this.closeCode = closeCode;
    }

    /** @return the close code sent to the peer: 1002, or 1007 for invalid UTF-8 */
    public int closeCode() {
        return closeCode;
    }
}
