package dev.conduit.websocket.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.testing.FuzzFrames;
import dev.conduit.websocket.testing.FuzzRun;
import dev.conduit.websocket.testing.ScriptedNetConn;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the frame parser ({@link FrameReader}) and the close payload parser
 * ({@link ClosePayload}): whatever the bytes, the only failures are the documented ones
 * ({@link EOFException}, {@link ProtocolException} 1002 / 1007), nothing hangs, and no declared
 * length is trusted for an allocation. Tries: {@code jqwik.tries.default} (a few thousand by
 * default, far more under {@code -Pfuzz}).
 */
class FrameParserFuzzTest {
    /**
     * The read buffer, assertion messages and first-use linkage (lambdas, string concatenation)
     * stay far below it; one allocation sized by a declared length (up to 2^63-1) would not.
     */
    private static final long ALLOCATION_BOUND = 1L << 20;

    @Property
    void arbitraryBytesParseOrFailWithADocumentedError(@ForAll @Size(max = 600) byte[] bytes,
            @ForAll boolean server, @ForAll("chunkings") int[] chunks, @ForAll @IntRange(min = 1, max = 9000) int readSize) {
        parseAll(bytes, server, chunks, readSize);
    }

    @Property
    void nearlyValidFramesParseOrFailWithADocumentedError(@ForAll("streams") byte[] bytes,
            @ForAll("chunkings") int[] chunks, @ForAll @IntRange(min = 1, max = 9000) int readSize) {
        parseAll(bytes, true, chunks, readSize);
    }

    @Property
    void closePayloadsParseOrFailWithADocumentedError(@ForAll("closePayloads") byte[] payload) {
        FuzzRun.Outcome<ClosePayload> o = FuzzRun.run(() -> ClosePayload.parse(payload, payload.length));
        if (o.thrown() != null) {
            assertThat(o.thrown()).isInstanceOf(ProtocolException.class);
            int code = ((ProtocolException) o.thrown()).closeCode();
            assertThat(code).isIn(WebSocket.CLOSE_PROTOCOL_ERROR, WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA);
            if (code == WebSocket.CLOSE_INVALID_FRAME_PAYLOAD_DATA) {
                assertThat(isStrictUtf8(payload, 2)).isFalse();
            }
            return;
        }
        ClosePayload p = o.value();
        if (payload.length == 0) {
            assertThat(p.code()).isEqualTo(WebSocket.CLOSE_NO_STATUS_RECEIVED);
            return;
        }
        assertThat(payload.length).isGreaterThanOrEqualTo(2);
        assertThat(WebSocket.isValidSendCloseCode(p.code())).isTrue();
        assertThat(p.code()).isEqualTo((payload[0] & 0xff) << 8 | payload[1] & 0xff);
        assertThat(isStrictUtf8(payload, 2)).isTrue();
        assertThat(p.reason().getBytes(StandardCharsets.UTF_8)).hasSize(payload.length - 2);
    }

    private static void parseAll(byte[] bytes, boolean server, int[] chunks, int readSize) {
        long bound = ALLOCATION_BOUND + 4L * bytes.length;
        FuzzRun.Outcome<Long> o = FuzzRun.run(() -> {
            ScriptedNetConn source = new ScriptedNetConn(bytes, chunks);
            FrameReader reader = new FrameReader(source::read, server, false, 4096, new byte[0]);
            byte[] dst = new byte[readSize];
            long payloadBytes = 0;
            while (true) {
                FrameHeader h = reader.readHeader();
                assertThat(h.payloadLength()).isNotNegative();
                assertThat(h.masked()).isEqualTo(server);
                if (Opcode.isControl(h.opcode())) {
                    assertThat(h.payloadLength()).isLessThanOrEqualTo(125);
                    assertThat(h.fin()).isTrue();
                    payloadBytes += reader.readFullPayload().length;
                    continue;
                }
                if (h.payloadLength() > bytes.length) {
                    reader.skipRemaining(); // the input cannot hold it: EOF, never an allocation
                    throw new AssertionError("skipped more payload than the input holds");
                }
                int n;
                while ((n = reader.readPayload(dst, 0, dst.length)) > 0) {
                    payloadBytes += n;
                }
                assertThat(reader.remaining()).isZero();
                assertThat(payloadBytes).isLessThanOrEqualTo(bytes.length);
            }
        }, bound);
        assertThat(o.thrown()).as("outcome").isNotNull();
        if (o.thrown() instanceof ProtocolException pe) {
            assertThat(pe.closeCode()).isEqualTo(WebSocket.CLOSE_PROTOCOL_ERROR);
        } else if (!(o.thrown() instanceof EOFException)) {
            throw new AssertionError("undocumented failure for input of " + bytes.length + " bytes", o.thrown());
        }
        assertThat(o.allocatedBytes()).as("bytes allocated for a %d-byte input", bytes.length)
                .isLessThanOrEqualTo(bound);
    }

    private static boolean isStrictUtf8(byte[] b, int off) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, b.length - off));
            return true;
        } catch (CharacterCodingException e) {
            return false;
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
    Arbitrary<byte[]> closePayloads() {
        return Arbitraries.oneOf(FuzzFrames.payloads(), Arbitraries.bytes().array(byte[].class).ofMaxSize(3),
                Arbitraries.strings().ofMaxLength(60).map(s -> {
                    byte[] r = s.getBytes(StandardCharsets.UTF_8);
                    byte[] p = new byte[r.length + 2];
                    p[0] = 0x03;
                    p[1] = (byte) 0xe8;
                    System.arraycopy(r, 0, p, 2, r.length);
                    return p;
                }));
    }
}
