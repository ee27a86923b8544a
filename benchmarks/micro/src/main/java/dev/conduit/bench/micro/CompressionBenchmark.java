package dev.conduit.bench.micro;

import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.compression.MessageInflater;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * permessage-deflate of one JSON-like text message: {@link MessageDeflater#compress} and
 * {@link MessageInflater#inflate} at the default level (1), with and without context takeover.
 * Throughput in messages per second; the report turns it into GB/s of uncompressed payload.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBenchmark {
    @Param({"1024", "65536"})
    public int size;

    @Param({"true", "false"})
    public boolean noContextTakeover;

    private byte[] message;
    private byte[] compressed;
    private MessageDeflater deflater;
    private MessageInflater inflater;

    @Setup
    public void setUp() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < size; i++) {
            s.append("{\"id\":").append(i).append(",\"user\":\"user-").append(i % 97)
                    .append("\",\"text\":\"hello from the benchmark\",\"ok\":true}\n");
        }
        message = s.substring(0, size).getBytes(StandardCharsets.UTF_8);
        deflater = new MessageDeflater(MessageDeflater.DEFAULT_LEVEL, noContextTakeover);
        inflater = new MessageInflater(noContextTakeover);
        // Without context takeover every message stands alone, so one compressed copy inflates each time.
        compressed = new MessageDeflater(MessageDeflater.DEFAULT_LEVEL, true).compress(message, 0, message.length);
    }

    @TearDown
    public void tearDown() {
        deflater.close();
        inflater.close();
    }

    @Benchmark
    public byte[] compress() {
        return deflater.compress(message, 0, message.length);
    }

    /** Inflates a standalone message (with context takeover the inflater's window only grows). */
    @Benchmark
    public byte[] inflate() throws IOException {
        return inflater.inflate(compressed, 0);
    }
}
