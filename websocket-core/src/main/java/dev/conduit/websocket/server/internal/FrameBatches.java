package dev.conduit.websocket.server.internal;

import java.nio.ByteBuffer;

/**
 * How the socket transports group whole frames handed over together ({@code NetConn.writeFrames})
 * into gathering writes: as many consecutive frames as fit in {@code limit} bytes, a larger frame
 * alone.
 */
final class FrameBatches {
    private FrameBatches() {
    }

    /**
     * @return the index after the last frame of the batch that starts at {@code from}: at least
     *         {@code from + 1}, and beyond that only frames that keep the batch within {@code limit}
     */
    static int end(byte[][] frames, int from, int count, int limit) {
        int bytes = frames[from].length;
        int end = from + 1;
        while (end < count && bytes + frames[end].length <= limit) {
            bytes += frames[end].length;
            end++;
        }
        return end;
    }

    /** @return the frames {@code from} (inclusive) to {@code end} (exclusive), wrapped for one gathering write */
    static ByteBuffer[] wrap(byte[][] frames, int from, int end) {
        ByteBuffer[] buffers = new ByteBuffer[end - from];
        for (int k = 0; k < buffers.length; k++) {
            buffers[k] = ByteBuffer.wrap(frames[from + k]);
        }
        return buffers;
    }
}
