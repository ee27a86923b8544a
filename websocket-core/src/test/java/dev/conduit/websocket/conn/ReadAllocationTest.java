package dev.conduit.websocket.conn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.FuzzFrames;
import dev.conduit.websocket.testing.FuzzRun;
import dev.conduit.websocket.testing.ScriptedNetConn;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A peer's declared payload length is never trusted for an allocation (regressions found by
 * {@link ConnReadFuzzTest}).
 */
class ReadAllocationTest {
    private static final long HUGE = 1L << 62;

    /** Sizing the array by n + the declared remaining length would take 2 GiB after 64 KiB arrived. */
    @Test
    void aHugeDeclaredLengthWithoutALimitGrowsOnlyWithWhatArrives() {
        byte[] header = new FuzzFrames.Frame(true, 0, WebSocket.BINARY_MESSAGE, true, 0x12345678,
                new byte[0], HUGE, 2).encode();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(header);
        wire.writeBytes(new byte[200 * 1024]); // 200 KiB of the promised 2^62 bytes, then EOF
        byte[] input = wire.toByteArray();

        FuzzRun.Outcome<Object> o = FuzzRun.run(() -> WebSocketConn.open(new ScriptedNetConn(input),
                ConnSettings.server()).readMessage(), 8L << 20);

        assertThat(o.thrown()).isInstanceOf(CloseException.class);
        assertThat(((CloseException) o.thrown()).code()).isEqualTo(WebSocket.CLOSE_ABNORMAL_CLOSURE);
        // Doubling from 64 KiB up to what arrived, plus the read buffer: well under 8 MiB.
        assertThat(o.allocatedBytes()).isLessThan(8L << 20);
    }

    @Test
    void aHugeDeclaredLengthOverASmallLimitIsRefusedAtTheHeader() {
        byte[] input = new FuzzFrames.Frame(true, 0, WebSocket.TEXT_MESSAGE, true, 1, new byte[10], HUGE, 2).encode();
        ScriptedNetConn net = new ScriptedNetConn(input);

        FuzzRun.Outcome<Object> o = FuzzRun.run(() -> WebSocketConn.open(net, ConnSettings.server().readLimit(1024))
                .readMessage(), 1L << 20);

        assertThat(o.thrown()).isInstanceOf(ReadLimitException.class);
        assertThat(o.allocatedBytes()).isLessThan(1L << 20);
        // The 1009 close went out before any of the payload was read.
        byte[] w = net.written();
        assertThat(w[0] & 0xff).isEqualTo(0x88);
        assertThat((w[2] & 0xff) << 8 | w[3] & 0xff).isEqualTo(WebSocket.CLOSE_MESSAGE_TOO_BIG);
        assertThat(net.consumed()).isLessThanOrEqualTo(input.length);
    }
}
