package dev.conduit.websocket.compression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples of RFC 7692 §7.2.3, byte for byte. */
class Rfc7692ExamplesTest {
    private static final byte[] HELLO = "Hello".getBytes(UTF_8);

    @ParameterizedTest
    @ValueSource(ints = {-1, 1, 6, 9})
    void helloCompressesToTheRfcBytes(int level) {
        try (MessageDeflater deflater = new MessageDeflater(level, true)) {
            assertThat(Hex.of(deflater.compress(HELLO, 0, HELLO.length))).isEqualTo("f2 48 cd c9 c9 07 00");
        }
    }

    @Test
    void helloInOneFrameDecompresses() throws IOException {
        try (MessageInflater inflater = new MessageInflater(true)) {
            assertThat(inflater.inflate(Hex.bytes("f2 48 cd c9 c9 07 00"), 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void helloInTwoFramesDecompresses() throws IOException {
        // §7.2.3.1: the compressed payload split over two frames.
        InputStream frames = new SequenceInputStream(new ByteArrayInputStream(Hex.bytes("f2 48 cd")),
                new ByteArrayInputStream(Hex.bytes("c9 c9 07 00")));
        try (MessageInflater inflater = new MessageInflater(true); InputStream in = inflater.newMessage(frames, 0)) {
            assertThat(in.readAllBytes()).isEqualTo(HELLO);
        }
    }

    @Test
    void secondHelloWithContextTakeoverReferencesTheFirst() {
        // §7.2.3.2: the second message is a back-reference into the first.
        try (MessageDeflater deflater = new MessageDeflater(-1, false)) {
            assertThat(Hex.of(deflater.compress(HELLO, 0, 5))).isEqualTo("f2 48 cd c9 c9 07 00");
            assertThat(Hex.of(deflater.compress(HELLO, 0, 5))).isEqualTo("f2 00 11 00 00");
        }
    }

    @Test
    void secondHelloWithoutContextTakeoverStandsAlone() {
        try (MessageDeflater deflater = new MessageDeflater(-1, true)) {
            deflater.compress(HELLO, 0, 5);
            assertThat(Hex.of(deflater.compress(HELLO, 0, 5))).isEqualTo("f2 48 cd c9 c9 07 00");
        }
    }

    @Test
    void contextTakeoverMessagesDecompressInOrder() throws IOException {
        try (MessageInflater inflater = new MessageInflater(false)) {
            assertThat(inflater.inflate(Hex.bytes("f2 48 cd c9 c9 07 00"), 0)).isEqualTo(HELLO);
            assertThat(inflater.inflate(Hex.bytes("f2 00 11 00 00"), 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void uncompressedBlockDecompresses() throws IOException {
        // §7.2.3.3: a stored (BTYPE 00) block holding "Hello".
        try (MessageInflater inflater = new MessageInflater(true)) {
            assertThat(inflater.inflate(Hex.bytes("00 05 00 fa ff 48 65 6c 6c 6f 00"), 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void levelZeroSendsAStoredBlock() throws IOException {
        try (MessageDeflater deflater = new MessageDeflater(0, true); MessageInflater inflater = new MessageInflater(true)) {
            byte[] wire = deflater.compress(HELLO, 0, 5);
            assertThat(Hex.of(wire)).startsWith("00 05 00 fa ff 48 65 6c 6c 6f");
            assertThat(inflater.inflate(wire, 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void blockWithBfinalSetDecompressesAndTheConnectionGoesOn() throws IOException {
        // §7.2.3.4: a final block, then the 00 that makes the tail a valid empty stored block.
        try (MessageInflater inflater = new MessageInflater(false)) {
            assertThat(inflater.inflate(Hex.bytes("f3 48 cd c9 c9 07 00 00"), 0)).isEqualTo(HELLO);
            // The sender started a new stream after BFINAL, so the next message decodes on its own.
            assertThat(inflater.inflate(Hex.bytes("f2 48 cd c9 c9 07 00"), 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void blockWithBfinalFollowedByMoreDataInTheSameMessage() throws IOException {
        // A sender that ends a zlib stream per flush: "Hello" twice in one message, two streams.
        try (MessageInflater inflater = new MessageInflater(true)) {
            assertThat(inflater.inflate(Hex.bytes("f3 48 cd c9 c9 07 00 f2 48 cd c9 c9 07 00"), 0))
                    .isEqualTo("HelloHello".getBytes(UTF_8));
        }
    }

    @Test
    void twoBlocksInOneMessageDecompress() throws IOException {
        // §7.2.3.5: "He" and "llo" in two blocks, the first ended by a sync flush.
        try (MessageInflater inflater = new MessageInflater(true)) {
            assertThat(inflater.inflate(Hex.bytes("f2 48 05 00 00 00 ff ff ca c9 c9 07 00"), 0)).isEqualTo(HELLO);
        }
    }

    @Test
    void emptyMessageIsOneZeroByte() throws IOException {
        try (MessageDeflater fresh = new MessageDeflater(1, true); MessageDeflater takeover = new MessageDeflater(1, false)) {
            assertThat(Hex.of(fresh.compress(new byte[0], 0, 0))).isEqualTo("00");
            assertThat(Hex.of(takeover.compress(new byte[0], 0, 0))).isEqualTo("00");
            takeover.compress(HELLO, 0, 5);
            // zlib emits nothing for a second sync flush in a row; the message is still 00.
            assertThat(Hex.of(takeover.compress(new byte[0], 0, 0))).isEqualTo("00");
            assertThat(Hex.of(takeover.compress(new byte[0], 0, 0))).isEqualTo("00");
        }
        try (MessageInflater inflater = new MessageInflater(false)) {
            assertThat(inflater.inflate(Hex.bytes("00"), 0)).isEmpty();
            assertThat(inflater.inflate(new byte[0], 0)).as("zero-byte payload").isEmpty();
            assertThat(inflater.inflate(Hex.bytes("f2 48 cd c9 c9 07 00"), 0)).isEqualTo(HELLO);
            assertThat(inflater.inflate(Hex.bytes("00"), 0)).isEmpty();
            assertThat(inflater.inflate(Hex.bytes("f2 00 11 00 00"), 0)).isEqualTo(HELLO);
        }
    }
}
