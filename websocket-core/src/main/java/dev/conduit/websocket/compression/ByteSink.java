package dev.conduit.websocket.compression;

import java.io.IOException;

/** Where a {@link MessageDeflater} puts compressed bytes (for a connection: its frame writer). */
@FunctionalInterface
public interface ByteSink {
    /**
     * @param b the bytes (only valid during the call)
     * @param off where they start
     * @param len how many
     * @throws IOException if the sink fails
     */
    void write(byte[] b, int off, int len) throws IOException;
}
