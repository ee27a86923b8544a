package dev.conduit.websocket;

/**
 * gorilla's {@code BufferPool}: write buffers shared between connections, so that a mostly idle
 * connection holds a write buffer only while it writes a message.
 */
public interface BufferPool {
    /**
     * @param minSize the smallest acceptable size
     * @return a buffer of at least {@code minSize} bytes, or {@code null} if the pool is empty
     */
    byte[] get(int minSize);

    /**
     * Gives a buffer back to the pool.
     *
     * @param buffer a buffer obtained from {@link #get(int)} or allocated by the caller
     */
    void put(byte[] buffer);
}
