package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.testing.FuzzRun;
import dev.conduit.websocket.testing.ScriptedNetConn;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of the Dialer's response parser ({@link ResponseHead}, then {@link ResponseBodyStart} as
 * for a refused handshake): a head parses, or fails with {@link EOFException} or
 * {@link ResponseHead.MalformedResponseException} (which the Dialer turns into a
 * {@code BadHandshakeException}); the body reader never throws and keeps at most 1 KiB; nothing
 * reads past {@link ResponseHead#MAX_HEAD_BYTES} for the head, nothing hangs.
 */
class ResponseHeadFuzzTest {
    private static final long ALLOCATION_BOUND = 1L << 20;

    @Property
    void arbitraryBytes(@ForAll @Size(max = 700) byte[] bytes, @ForAll("chunkings") int[] chunks) {
        parse(bytes, chunks);
    }

    @Property
    void nearlyValidResponses(@ForAll("responses") byte[] bytes, @ForAll("chunkings") int[] chunks) {
        parse(bytes, chunks);
    }

    private static void parse(byte[] bytes, int[] chunks) {
        ScriptedNetConn[] net = new ScriptedNetConn[1];
        FuzzRun.Outcome<Object[]> o = FuzzRun.run(() -> {
            net[0] = new ScriptedNetConn(bytes, chunks);
            ResponseHead head = ResponseHead.read(net[0], "handshake");
            return new Object[] {head, ResponseBodyStart.read(net[0], head)};
        }, ALLOCATION_BOUND);
        assertThat(o.allocatedBytes()).isLessThanOrEqualTo(ALLOCATION_BOUND);
        if (o.thrown() != null) {
            if (!(o.thrown() instanceof EOFException || o.thrown() instanceof ResponseHead.MalformedResponseException)) {
                throw new AssertionError("undocumented failure", o.thrown());
            }
            return;
        }
        ResponseHead head = (ResponseHead) o.value()[0];
        byte[] body = (byte[]) o.value()[1];
        assertThat(head.status).isBetween(0, 999);
        assertThat(head.leftover.length).isLessThan(ResponseHead.MAX_HEAD_BYTES);
        assertThat(body.length).isLessThanOrEqualTo(ResponseBodyStart.MAX_BYTES);
        head.headers.keySet().forEach(name -> assertThat(name).isNotEmpty().doesNotContain(":", " ", "\r", "\n"));
    }

    @Provide
    Arbitrary<int[]> chunkings() {
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(new int[] {Integer.MAX_VALUE})),
                Tuple.of(1, Arbitraries.just(new int[] {1})),
                Tuple.of(2, Arbitraries.integers().between(1, 64).array(int[].class).ofMinSize(1).ofMaxSize(4)));
    }

    @Provide
    Arbitrary<byte[]> responses() {
        Arbitrary<String> status = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("HTTP/1.1 101 Switching Protocols", "HTTP/1.1 400 Bad Request", "HTTP/1.0 200",
                        "HTTP/1.1 204 No Content", "HTTP/1.1 101", "HTTP/2 101", "HTTP/1.1 1O1 x", "HTTP/1.1  101", "")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(30)));
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("Upgrade", "Connection", "Sec-WebSocket-Accept", "Content-Length",
                        "Transfer-Encoding", "Sec-WebSocket-Protocol", " Folded", "Bad Name", "")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("websocket", "Upgrade", "chunked", "gzip, chunked", "5", "-1", "99999999999999999999",
                        "0", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(30)));
        Arbitrary<String> header = Combinators.combine(name, value).as((n, v) -> n + ": " + v);
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r");
        Arbitrary<String> body = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("", "5\r\nhello\r\n0\r\n\r\n", "fffffffffffffff\r\nx", "-5\r\nabc", "zz\r\n",
                        "hello world")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(1500)));
        return Combinators.combine(status, header.list().ofMaxSize(6), eol, body, Arbitraries.integers().between(0, 3))
                .as((s, hs, e, b, padding) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.writeBytes((s + e).getBytes(StandardCharsets.ISO_8859_1));
                    for (String h : hs) {
                        out.writeBytes((h + e).getBytes(StandardCharsets.UTF_8));
                    }
                    if (padding == 3) {
                        // A head that never ends within the limit.
                        out.writeBytes(("X-Pad: " + "a".repeat(ResponseHead.MAX_HEAD_BYTES) + e).getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.writeBytes(e.getBytes(StandardCharsets.ISO_8859_1));
                    out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
                    return out.toByteArray();
                });
    }
}
