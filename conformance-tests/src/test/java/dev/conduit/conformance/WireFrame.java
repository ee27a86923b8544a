package dev.conduit.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One frame as the suite puts it on the wire, written independently of the code under test so the
 * suite does not share a bug with it. Fields may break the rules on purpose (reserved bits, opcodes,
 * oversize control frames, wrong masking, a length that promises more bytes than are sent).
 *
 * @param fin the FIN bit
 * @param rsv the three reserved bits as a number 0..7 (4 = RSV1, 2 = RSV2, 1 = RSV3)
 * @param opcode the opcode, any 0..15
 * @param payload the payload
 * @param masking {@link Masking#ROLE} for what the sender's role requires, or a deliberate choice
 * @param sendOnly when not negative, only this many payload bytes are sent (the header still
 *                 declares the full length): the peer must act before the frame is complete
 * @param deflateInto 0 for a frame sent as given; k > 0 for a whole message (payload uncompressed)
 *                    that the sender compresses with its permessage-deflate context and sends in k
 *                    frames, RSV1 on the first
 */
record WireFrame(boolean fin, int rsv, int opcode, byte[] payload, Masking masking, int sendOnly, int deflateInto) {

    /** How a frame is masked. */
    enum Masking {
        /** As the sender's role requires: a client masks with a random key, a server does not. */
        ROLE,
        /** The opposite of what the sender's role requires: a client does not mask, a server does. */
        WRONG
    }

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    static WireFrame of(boolean fin, int opcode, byte[] payload) {
        return new WireFrame(fin, 0, opcode, payload, Masking.ROLE, -1, 0);
    }

    /** A message compressed by the sender's permessage-deflate context, sent in {@code frames} frames. */
    static WireFrame deflated(int opcode, byte[] message, int frames) {
        return new WireFrame(true, 4, opcode, message, Masking.ROLE, -1, frames);
    }

    static WireFrame text(String s) {
        return of(true, TEXT, utf8(s));
    }

    static WireFrame close(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return of(true, CLOSE, p);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    WireFrame withRsv(int bits) {
        return new WireFrame(fin, bits, opcode, payload, masking, sendOnly, deflateInto);
    }

    WireFrame withMasking(Masking m) {
        return new WireFrame(fin, rsv, opcode, payload, m, sendOnly, deflateInto);
    }

    WireFrame truncatedTo(int n) {
        return new WireFrame(fin, rsv, opcode, payload, masking, n, deflateInto);
    }

    /**
     * @param client whether the sender plays the client (whose frames {@link Masking#ROLE} masks)
     * @return the bytes on the wire
     */
    byte[] encode(boolean client) {
        return encode(client, null);
    }

    /**
     * @param client whether the sender plays the client
     * @param deflate the sender's compression context, needed when {@link #deflateInto} is set
     * @return the bytes on the wire
     */
    byte[] encode(boolean client, PeerDeflate deflate) {
        if (deflateInto > 0) {
            byte[] compressed = deflate.compress(payload);
            ByteArrayOutputStream all = new ByteArrayOutputStream(compressed.length + 14 * deflateInto);
            int size = Math.max(1, (compressed.length + deflateInto - 1) / deflateInto);
            int off = 0;
            for (int i = 0; i < deflateInto; i++) {
                int end = i == deflateInto - 1 ? compressed.length : Math.min(compressed.length, off + size);
                byte[] part = Arrays.copyOfRange(compressed, off, end);
                all.writeBytes(new WireFrame(i == deflateInto - 1, i == 0 ? rsv : 0, i == 0 ? opcode : CONTINUATION, part,
                        masking, -1, 0).encode(client));
                off = end;
            }
            return all.toByteArray();
        }
        boolean mask = switch (masking) {
            case ROLE -> client;
            case WRONG -> !client;
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0x0f));
        int maskBit = mask ? 0x80 : 0;
        long n = payload.length;
        if (n < 126) {
            out.write(maskBit | (int) n);
        } else if (n <= 0xffff) {
            out.write(maskBit | 126);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (n >> shift));
            }
        }
        byte[] key = new byte[4];
        if (mask) {
            ThreadLocalRandom.current().nextBytes(key);
            out.write(key, 0, 4);
        }
        int count = sendOnly < 0 ? payload.length : Math.min(sendOnly, payload.length);
        byte[] body = new byte[count];
        for (int i = 0; i < count; i++) {
            body[i] = (byte) (payload[i] ^ key[i & 3]);
        }
        out.write(body, 0, count);
        return out.toByteArray();
    }
}
