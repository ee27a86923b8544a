package dev.conduit.websocket.spring.connections;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The payload of a principal message relayed to the other instances, inside the hub's envelope
 * (which carries the message type and, with a secret, the signature): version (1 byte), the sending
 * instance's id (16 bytes), the principal name's length (2 bytes) and UTF-8 name, then the message.
 * Read as hostile input: every length is checked against the bytes present.
 */
final class PrincipalMessages {
    static final int VERSION = 1;
    /** The longest principal name relayed, in UTF-8 bytes. */
    static final int MAX_NAME_BYTES = 1024;
    private static final int HEADER = 1 + 16 + 2;

    private PrincipalMessages() {
    }

    record Decoded(byte[] origin, String principal, byte[] data) {
    }

    static byte[] encode(byte[] origin, String principal, byte[] data) {
        byte[] name = principal.getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("principal names over " + MAX_NAME_BYTES + " UTF-8 bytes are not relayed");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER + name.length + data.length);
        b.put((byte) VERSION).put(origin).putShort((short) name.length).put(name).put(data);
        return b.array();
    }

    /** @return the message, or {@code null} when it is malformed */
    static Decoded decode(byte[] payload) {
        if (payload.length < HEADER || payload[0] != VERSION) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        byte[] origin = new byte[16];
        b.get(origin);
        int nameLength = b.getShort() & 0xFFFF;
        if (nameLength == 0 || nameLength > MAX_NAME_BYTES || nameLength > b.remaining()) {
            return null;
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.slice(b.position(), nameLength)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        b.position(b.position() + nameLength);
        byte[] data = new byte[b.remaining()];
        b.get(data);
        return new Decoded(origin, name, data);
    }
}
