package dev.conduit.bench.micro;

import dev.conduit.websocket.frame.Masking;
import java.util.concurrent.ThreadLocalRandom;
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
 * XOR masking in place (RFC 6455 §5.3): {@link Masking#mask} against the byte loop most
 * implementations start from. Throughput in operations per second; GB/s = ops/s x size / 1e9
 * (the report computes it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    @Param({"16", "128", "1024", "16384", "131072", "1048576"})
    public int size;

    private byte[] payload;
    private byte[] keyBytes;
    private int key;

    @Setup
    public void setUp() {
        payload = new byte[size];
        ThreadLocalRandom.current().nextBytes(payload);
        key = ThreadLocalRandom.current().nextInt();
        keyBytes = new byte[] {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
    }

    @Benchmark
    public long conduit() {
        return Masking.mask(payload, 0, size, key, 0);
    }

    /** The baseline: one byte at a time, key byte by index. */
    @Benchmark
    public byte[] naiveByteLoop() {
        byte[] b = payload;
        byte[] k = keyBytes;
        for (int i = 0; i < b.length; i++) {
            b[i] ^= k[i & 3];
        }
        return b;
    }
}
