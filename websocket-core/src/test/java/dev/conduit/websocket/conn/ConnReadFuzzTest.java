package dev.conduit.websocket.conn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.frame.ClosePayload;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import dev.conduit.websocket.testing.FuzzFrames;
import dev.conduit.websocket.testing.FuzzRun;
import dev.conduit.websocket.testing.ScriptedNetConn;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of a server {@link Conn} reading whatever a peer sends, through an in-memory transport:
 * every read ends in a {@link CloseException} (the peer's close, or 1006 for EOF), a
 * {@link ProtocolException} or a {@link ReadLimitException}, never anything else; the close frame the
 * Conn sends back carries the RFC's code for that error; text messages are valid UTF-8; nothing
 * hangs and no declared length is trusted for an allocation.
 */
class ConnReadFuzzTest {
    /** Read buffer, readMessage's first 64 KiB, first-use linkage; far below one trusted 2^62 length. */
    private static final long ALLOCATION_BOUND = 2L << 20;

    @Property
    void arbitraryBytes(@ForAll @Size(max = 600) byte[] bytes, @ForAll("chunkings") int[] chunks,
            @ForAll("readLimits") long readLimit, @ForAll boolean streaming, @ForAll @IntRange(min = 1, max = 5000) int readSize)
            throws IOException {
        readAll(bytes, chunks, readLimit, streaming, readSize);
    }

    @Property
    void nearlyValidFrames(@ForAll("streams") byte[] bytes, @ForAll("chunkings") int[] chunks,
            @ForAll("readLimits") long readLimit, @ForAll boolean streaming, @ForAll @IntRange(min = 1, max = 5000) int readSize)
            throws IOException {
        readAll(bytes, chunks, readLimit, streaming, readSize);
    }

    private static void readAll(byte[] bytes, int[] chunks, long readLimit, boolean streaming, int readSize)
            throws IOException {
        long bound = ALLOCATION_BOUND + 8L * bytes.length;
        ScriptedNetConn[] last = new ScriptedNetConn[1];
        FuzzRun.Outcome<List<Message>> o = FuzzRun.run(() -> {
            ScriptedNetConn net = new ScriptedNetConn(bytes, chunks);
            last[0] = net;
            Conn conn = WebSocketConn.open(net, ConnSettings.server().readLimit(readLimit));
            List<Message> messages = new ArrayList<>();
            try {
                while (true) {
                    messages.add(streaming ? readStreaming(conn, readSize) : conn.readMessage());
                }
            } catch (IOException e) {
                // Every later read fails the same way (the first error is permanent).
                try {
                    conn.readMessage();
                    throw new AssertionError("a read after " + e + " succeeded");
                } catch (IOException again) {
                    assertThat(again).isSameAs(e);
                }
                throw new ReadEnded(e, messages);
            }
        }, bound, () -> "bytes=" + java.util.HexFormat.of().formatHex(bytes) + " chunks=" + java.util.Arrays.toString(chunks)
                + " readLimit=" + readLimit + " streaming=" + streaming + " readSize=" + readSize);
        assertThat(o.allocatedBytes()).as("bytes allocated for a %d-byte input", bytes.length).isLessThanOrEqualTo(bound);
        if (!(o.thrown() instanceof ReadEnded ended)) {
            throw new AssertionError("undocumented failure for a " + bytes.length + "-byte input", o.thrown());
        }
        long total = 0;
        for (Message m : ended.messages) {
            total += m.data().length;
            if (readLimit > 0) {
                assertThat((long) m.data().length).isLessThanOrEqualTo(readLimit);
            }
            if (m.messageType() == WebSocket.TEXT_MESSAGE) {
                assertThat(isStrictUtf8(m.data())).as("text message is UTF-8").isTrue();
            }
        }
        assertThat(total).isLessThanOrEqualTo(bytes.length);
        List<Integer> closes = closeCodesSent(last[0].written());
        IOException e = ended.error;
        if (e instanceof ProtocolException pe) {
            assertThat(pe.closeCode()).isIn(WebSocket.CLOSE_PROTOCOL_ERROR, WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA);
            assertThat(closes).containsExactly(pe.closeCode());
        } else if (e instanceof ReadLimitException) {
            assertThat(readLimit).isPositive();
            assertThat(closes).containsExactly(WebSocket.CLOSE_MESSAGE_TOO_BIG);
        } else if (e instanceof CloseException ce) {
            if (ce.code() == WebSocket.CLOSE_ABNORMAL_CLOSURE) {
                assertThat(ce.getCause()).isInstanceOf(EOFException.class);
                assertThat(closes).isEmpty();
            } else {
                // The peer's close, echoed (1005: an empty close) by the default close handler.
                assertThat(closes).containsExactly(ce.code());
            }
        } else {
            throw new AssertionError("undocumented failure for a " + bytes.length + "-byte input", e);
        }
    }

    /** Reads a message through {@link Conn#nextReader()} in reads of {@code readSize} bytes. */
    private static Message readStreaming(Conn conn, int readSize) throws IOException {
        MessageReader r = conn.nextReader();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[readSize];
        int n;
        while ((n = r.reader().read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return new Message(r.messageType(), out.toByteArray());
    }

    /** The close codes in what the server wrote (unmasked frames): 1005 for an empty close. */
    private static List<Integer> closeCodesSent(byte[] written) throws IOException {
        FrameReader frames = new FrameReader(new ByteArrayInputStream(written)::read, false, false, 4096, new byte[0]);
        List<Integer> codes = new ArrayList<>();
        while (true) {
            FrameHeader h;
            try {
                h = frames.readHeader();
            } catch (EOFException end) {
                return codes;
            }
            byte[] p = frames.readFullPayload();
            if (h.opcode() == WebSocket.CLOSE_MESSAGE) {
                codes.add(ClosePayload.parse(p, p.length).code());
            }
        }
    }

    private static boolean isStrictUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Carries what was read before the error out of the worker. */
    private static final class ReadEnded extends RuntimeException {
        final transient IOException error;
        final transient List<Message> messages;

        ReadEnded(IOException error, List<Message> messages) {
            super(error);
            this.error = error;
            this.messages = messages;
        }
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return FuzzFrames.streams(true);
    }

    @Provide
    Arbitrary<int[]> chunkings() {
        return FuzzFrames.chunkings();
    }

    @Provide
    Arbitrary<Long> readLimits() {
        return Arbitraries.of(0L, 1L, 125L, 1024L, 65536L, 1L << 62);
    }
}
