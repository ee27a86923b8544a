package dev.conduit.websocket.server.internal;

import java.nio.ByteBuffer;

/**
 * The bytes a {@link ReadLoopNetConn} holds for its reader: what the container had read past the
 * upgrade request (returned first), and the staging buffer of {@value #STAGING} bytes the read
 * loop fills while nobody waits to read. An idle connection holds neither. Not thread-safe: the
 * connection guards the staging buffer with its lock; the early bytes are its reader's alone.
 */
final class ReadAhead {
    /** Bytes the loop reads for a connection nobody reads from at the moment, before it pauses. */
    static final int STAGING = 16 * 1024;

    private byte[] early;
    private int earlyPosition;
    private byte[] staging;
    private int stagingStart;
    private int stagingEnd;

    ReadAhead(byte[] early) {
        this.early = early.length > 0 ? early : null;
    }

    /** @return the number of early bytes copied, or 0 when none are left */
    int takeEarly(byte[] b, int off, int len) {
        if (early == null) {
            return 0;
        }
        int n = Math.min(len, early.length - earlyPosition);
        System.arraycopy(early, earlyPosition, b, off, n);
        earlyPosition += n;
        if (earlyPosition == early.length) {
            early = null;
        }
        return n;
    }

    boolean hasStaged() {
        return stagingEnd > stagingStart;
    }

    /** @return the number of staged bytes copied; the buffer is empty again when {@link #hasStaged()} says so */
    int takeStaged(byte[] b, int off, int len) {
        int n = Math.min(len, stagingEnd - stagingStart);
        System.arraycopy(staging, stagingStart, b, off, n);
        stagingStart += n;
        if (stagingStart == stagingEnd) {
            stagingStart = stagingEnd = 0;
        }
        return n;
    }

    /** @return where the loop reads to while nobody waits (the staging buffer's free space) */
    ByteBuffer stagingRoom() {
        if (staging == null) {
            staging = new byte[STAGING];
        }
        return ByteBuffer.wrap(staging, stagingEnd, staging.length - stagingEnd);
    }

    /** Counts bytes the loop read into {@link #stagingRoom()}. @return whether the buffer is full now */
    boolean staged(int n) {
        stagingEnd += n;
        return stagingEnd == staging.length;
    }

    /** Lets the staging buffer go once it is empty and the reader waits: an idle connection holds nothing. */
    void idle() {
        staging = null;
    }

    boolean holdsStaging() {
        return staging != null;
    }
}
