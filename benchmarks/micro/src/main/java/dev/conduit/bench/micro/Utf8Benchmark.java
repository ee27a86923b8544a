package dev.conduit.bench.micro;

import dev.conduit.websocket.frame.Utf8Validator;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Incremental UTF-8 validation of a text message fed in 4 KiB pieces (as frames arrive):
 * {@link Utf8Validator} against the JDK's {@link CharsetDecoder} with REPORT actions (the JDK has no
 * validator without decoding). Texts: pure ASCII, and mixed (Latin-1 accents, CJK, emoji).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Utf8Benchmark {
    private static final int PIECE = 4096;

    @Param({"64", "4096", "65536"})
    public int size;

    @Param({"ascii", "mixed"})
    public String text;

    private byte[] bytes;
    private final Utf8Validator validator = new Utf8Validator();
    private CharsetDecoder decoder;
    private CharBuffer chars;

    @Setup
    public void setUp() {
        String unit = text.equals("ascii")
                ? "The quick brown fox jumps over the lazy dog; {\"id\":42,\"ok\":true}\n"
                : "Grüße aus Köln, 東京の天気は晴れ, emoji 🎉🚀, ascii again. ";
        byte[] u = unit.getBytes(StandardCharsets.UTF_8);
        // Exactly `size` bytes of valid UTF-8: whole units, then ASCII padding.
        bytes = new byte[size];
        int p = 0;
        while (p + u.length <= size) {
            System.arraycopy(u, 0, bytes, p, u.length);
            p += u.length;
        }
        while (p < size) {
            bytes[p++] = 'x';
        }
        decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(PIECE + 4);
    }

    @Benchmark
    public boolean conduit() {
        validator.reset();
        for (int off = 0; off < bytes.length; off += PIECE) {
            if (!validator.update(bytes, off, Math.min(PIECE, bytes.length - off))) {
                return false;
            }
        }
        return validator.isComplete();
    }

    @Benchmark
    public boolean jdkCharsetDecoder() {
        decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        for (int off = 0; off < bytes.length; off += PIECE) {
            in.limit(Math.min(off + PIECE, bytes.length));
            boolean last = in.limit() == bytes.length;
            chars.clear();
            CoderResult r = decoder.decode(in, chars, last);
            if (r.isError()) {
                return false;
            }
            // A code point split at the piece boundary stays in `in` (position) for the next, longer limit.
        }
        chars.clear();
        return !decoder.flush(chars).isError() && !in.hasRemaining();
    }
}
