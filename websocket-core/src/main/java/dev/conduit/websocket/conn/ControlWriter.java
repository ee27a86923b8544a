package dev.conduit.websocket.conn;

import dev.conduit.websocket.WebSocketException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The stream of {@code nextWriter} for control messages: collects at most 125 bytes, sent on close. */
final class ControlWriter extends OutputStream {
    private final ConnWriter writer;
    private final int messageType;
    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(125);
    private boolean closed;

    ControlWriter(ConnWriter writer, int messageType) {
        this.writer = writer;
        this.messageType = messageType;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new WebSocketException("websocket: write closed");
        }
        if (payload.size() + len > 125) {
            closed = true;
            throw new IllegalArgumentException("websocket: invalid control frame: payload over 125 bytes");
        }
        payload.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            writer.writeControl(messageType, payload.toByteArray(), null);
        }
    }
}
