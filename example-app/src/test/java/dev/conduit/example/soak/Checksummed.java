package dev.conduit.example.soak;

import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The soak's messages: connection id (4 bytes), sequence number (8), a payload of pseudo-random
 * bytes, then the CRC32 of everything before it (4). The payload is derived from (id, sequence), so
 * the receiver can rebuild the exact message it expects. Mostly 8 to 263 payload bytes; every
 * 1,000th message is 8 to 40 KiB, larger than the server's 4 KiB write buffer; every 8th is a text
 * message carrying the same bytes in Base64, so the echo must keep the message type too.
 */
final class Checksummed {
    private static final int HEADER = 12;
    private static final int TRAILER = 4;

    private Checksummed() {
    }

    /** What checking one echoed message found. */
    enum Verdict {
        /** The expected message, byte for byte, with its type. */
        OK,
        /** Checksum wrong, unreadable, another connection's, or not the bytes that were sent. */
        CORRUPTED,
        /** Intact, but not the sequence number expected next (out of order, duplicated or skipped). */
        OUT_OF_ORDER
    }

    static int messageType(long seq) {
        return seq % 8 == 7 ? WebSocket.TEXT_MESSAGE : WebSocket.BINARY_MESSAGE;
    }

    /** @return the message to send as connection {@code id}'s {@code seq}-th */
    static byte[] encode(int id, long seq) {
        byte[] record = record(id, seq);
        return messageType(seq) == WebSocket.TEXT_MESSAGE
                ? Base64.getEncoder().encode(record) : record;
    }

    /**
     * @param id the connection that sent it
     * @param expectedSeq the sequence number that should come next on that connection
     * @param echoed the message read back
     * @return the verdict
     */
    static Verdict verify(int id, long expectedSeq, Message echoed) {
        byte[] record;
        if (echoed.messageType() == WebSocket.TEXT_MESSAGE) {
            try {
                record = Base64.getDecoder().decode(new String(echoed.data(), StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                return Verdict.CORRUPTED;
            }
        } else if (echoed.messageType() == WebSocket.BINARY_MESSAGE) {
            record = echoed.data();
        } else {
            return Verdict.CORRUPTED;
        }
        if (record.length < HEADER + TRAILER || crc(record, record.length - TRAILER)
                != ByteBuffer.wrap(record, record.length - TRAILER, TRAILER).getInt()) {
            return Verdict.CORRUPTED;
        }
        ByteBuffer head = ByteBuffer.wrap(record, 0, HEADER);
        int sender = head.getInt();
        long seq = head.getLong();
        if (sender != id) {
            return Verdict.CORRUPTED;
        }
        if (seq != expectedSeq) {
            return Verdict.OUT_OF_ORDER;
        }
        boolean same = echoed.messageType() == messageType(seq) && Arrays.equals(record, record(id, seq));
        return same ? Verdict.OK : Verdict.CORRUPTED;
    }

    private static byte[] record(int id, long seq) {
        SplittableRandom random = new SplittableRandom(((long) id << 40) ^ seq);
        int payload = seq % 1000 == 999 ? 8 * 1024 + random.nextInt(32 * 1024) : 8 + random.nextInt(256);
        byte[] record = new byte[HEADER + payload + TRAILER];
        ByteBuffer buffer = ByteBuffer.wrap(record);
        buffer.putInt(id).putLong(seq);
        for (int i = HEADER; i < HEADER + payload; i += 8) {
            long bits = random.nextLong();
            for (int j = 0; j < 8 && i + j < HEADER + payload; j++) {
                record[i + j] = (byte) (bits >>> (8 * j));
            }
        }
        buffer.putInt(HEADER + payload, crc(record, HEADER + payload));
        return record;
    }

    private static int crc(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }
}
