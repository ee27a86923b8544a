package dev.conduit.websocket.frame;

/** Frame opcodes of RFC 6455 §5.2. Data opcodes equal the message-type constants of gorilla. */
public final class Opcode {
    private Opcode() {
    }

    /** Continues a fragmented data message. */
    public static final int CONTINUATION = 0x0;
    /** First frame of a text message. */
    public static final int TEXT = 0x1;
    /** First frame of a binary message. */
    public static final int BINARY = 0x2;
    /** Close control frame. */
    public static final int CLOSE = 0x8;
    /** Ping control frame. */
    public static final int PING = 0x9;
    /** Pong control frame. */
    public static final int PONG = 0xA;

    /**
     * @param opcode a 4-bit opcode
     * @return true for close, ping and pong (opcodes with the high bit set)
     */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /**
     * @param opcode a 4-bit opcode
     * @return true for the six opcodes RFC 6455 defines; 3–7 and 11–15 are reserved
     */
    public static boolean isDefined(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }
}
