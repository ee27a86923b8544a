package dev.conduit.bench.micro;

import dev.conduit.websocket.frame.FrameEncoder;
import dev.conduit.websocket.frame.FrameHeader;
import dev.conduit.websocket.frame.FrameReader;
import dev.conduit.websocket.frame.Opcode;
import java.io.IOException;
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
 * Frame header encode ({@link FrameEncoder#writeHeader}) and decode ({@link FrameReader#readHeader})
 * for the three length forms: 7-bit (64), 16-bit (16 KiB) and 64-bit (1 MiB). Decoding reads a
 * stream of masked client frames (server side) from memory; the payloads are skipped, so the time
 * includes the read buffer's refills.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameHeaderBenchmark {
    @Param({"64", "16384", "1048576"})
    public long length;

    private final byte[] header = new byte[FrameEncoder.MAX_HEADER_SIZE];
    private FrameReader reader;

    @Setup
    public void setUp() {
        // A whole number of frames; the source serves it round and round.
        byte[] frame = new byte[FrameEncoder.headerSize(length, true) + (int) length];
        FrameEncoder.writeHeader(frame, 0, true, false, Opcode.BINARY, length, true, 0x12345678);
        byte[] stream = frame;
        reader = new FrameReader(new Cycle(stream), true, false, 4096, new byte[0]);
    }

    @Benchmark
    public int encode() {
        return FrameEncoder.writeHeader(header, 0, true, false, Opcode.BINARY, length, true, 0x12345678);
    }

    @Benchmark
    public FrameHeader decode() throws IOException {
        return reader.readHeader();
    }

    /** An endless byte source repeating one array. */
    static final class Cycle implements FrameReader.Source {
        private final byte[] data;
        private int pos;

        Cycle(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos = (pos + n) % data.length;
            return n;
        }
    }
}
