package dev.conduit.example.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.example.soak.Checksummed.Verdict;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The soak's checker can fail: each kind of damage to an echo gets the verdict the soak counts. */
class ChecksummedTest {

    @Test
    void theExactEchoIsOk() {
        for (long seq = 0; seq < 2000; seq++) {
            assertThat(Checksummed.verify(3, seq, echo(3, seq))).isEqualTo(Verdict.OK);
        }
    }

    @Test
    void everyEighthIsTextAndEveryThousandthIsLargerThanTheServersWriteBuffer() {
        assertThat(echo(1, 7).messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
        assertThat(echo(1, 8).messageType()).isEqualTo(WebSocket.BINARY_MESSAGE);
        assertThat(echo(1, 999).data().length).isGreaterThan(8 * 1024);
        assertThat(echo(1, 998).data().length).isLessThan(300);
    }

    @Test
    void aFlippedBitAnywhereIsCorrupted() {
        byte[] data = echo(5, 42).data();
        for (int i = 0; i < data.length; i++) {
            byte[] damaged = data.clone();
            damaged[i] ^= 0x10;
            assertThat(Checksummed.verify(5, 42, new Message(WebSocket.BINARY_MESSAGE, damaged)))
                    .as("bit flipped in byte %d", i).isEqualTo(Verdict.CORRUPTED);
        }
    }

    @Test
    void aTruncatedMessageAnotherConnectionsMessageOrTheWrongTypeIsCorrupted() {
        byte[] data = echo(5, 42).data();
        assertThat(Checksummed.verify(5, 42, new Message(WebSocket.BINARY_MESSAGE, Arrays.copyOf(data, data.length - 1))))
                .isEqualTo(Verdict.CORRUPTED);
        assertThat(Checksummed.verify(6, 42, echo(5, 42))).isEqualTo(Verdict.CORRUPTED);
        assertThat(Checksummed.verify(5, 42, new Message(WebSocket.TEXT_MESSAGE, data))).isEqualTo(Verdict.CORRUPTED);
        assertThat(Checksummed.verify(5, 47, new Message(WebSocket.BINARY_MESSAGE,
                java.util.Base64.getDecoder().decode(echo(5, 47).data())))).isEqualTo(Verdict.CORRUPTED);
    }

    @Test
    void anIntactMessageOutOfSequenceIsOutOfOrder() {
        assertThat(Checksummed.verify(5, 42, echo(5, 43))).isEqualTo(Verdict.OUT_OF_ORDER);
        assertThat(Checksummed.verify(5, 42, echo(5, 41))).isEqualTo(Verdict.OUT_OF_ORDER);
    }

    private static Message echo(int id, long seq) {
        return new Message(Checksummed.messageType(seq), Checksummed.encode(id, seq));
    }
}
