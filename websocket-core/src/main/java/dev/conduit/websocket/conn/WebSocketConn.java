package dev.conduit.websocket.conn;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.CloseHandler;
import dev.conduit.websocket.CloseSentException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.PingHandler;
import dev.conduit.websocket.PongHandler;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.frame.FrameReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Conn} implementation: a {@link ConnReader} and a {@link ConnWriter} over one
 * {@link NetConn}, plus what belongs to the connection as a whole (closing, accessors, JSON).
 */
public final class WebSocketConn implements Conn {
    private final NetConn net;
    private final ConnSettings settings;
    private final ConnWriter writer;
    private final ConnReader reader;
    private final CloseTracker closes;
    private final JsonCodec json;
    /** permessage-deflate state, or null when it was not negotiated. */
    private final ConnCompression compression;
    private final ConnListener listener;

    private WebSocketConn(NetConn net, ConnSettings settings) {
        this.net = net;
        this.settings = settings;
        this.listener = settings.listener.perConnection();
        this.closes = new CloseTracker(listener);
        this.writer = new ConnWriter(net, !settings.server, settings, listener, closes);
        FrameReader frames = new FrameReader(net::read, settings.server, settings.compression != null,
                settings.readBufferSize, settings.bufferedInput);
        this.reader = new ConnReader(frames, writer, settings, listener, closes);
        this.json = settings.effectiveJsonCodec();
        this.compression = settings.newCompression();
        writer.useCompression(compression);
        reader.useCompression(compression);
    }

    /**
     * Opens a connection over a transport whose handshake is complete.
     *
     * @param netConn the transport
     * @param settings the side and what the handshake negotiated
     * @return the connection
     */
    public static WebSocketConn open(NetConn netConn, ConnSettings settings) {
        Objects.requireNonNull(netConn, "netConn");
        Objects.requireNonNull(settings, "settings");
        WebSocketConn conn = new WebSocketConn(netConn, settings);
        conn.listener.opened(conn);
        return conn;
    }

    /** @return whether the write side holds its frame buffers (for tests: none until the first write) */
    boolean holdsWriteBuffers() {
        return writer.holdsFrameBuffers();
    }

    // ---- reading -------------------------------------------------------------------------

    @Override
    public Message readMessage() throws IOException {
        return reader.readMessage();
    }

    @Override
    public MessageReader nextReader() throws IOException {
        return reader.nextReader();
    }

    @Override
    public <T> T readJson(Class<T> type) throws IOException {
        return json.read(reader.nextReader().reader(), type);
    }

    @Override
    public <T> T readJson(Type type) throws IOException {
        return json.read(reader.nextReader().reader(), type);
    }

    @Override
    public void readJson(Object target) throws IOException {
        json.readInto(reader.nextReader().reader(), target);
    }

    // ---- writing -------------------------------------------------------------------------

    @Override
    public void writeMessage(int messageType, byte[] data) throws IOException {
        writer.writeMessage(messageType, data, 0, data.length);
    }

    @Override
    public OutputStream nextWriter(int messageType) throws IOException {
        return writer.nextWriter(messageType);
    }

    @Override
    public void writeJson(Object value) throws IOException {
        // Encode first: unlike gorilla, a value that cannot be encoded sends nothing.
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        json.write(out, value);
        byte[] bytes = out.toByteArray();
        writer.writeMessage(WebSocket.TEXT_MESSAGE, bytes, 0, bytes.length);
    }

    @Override
    public void writeControl(int messageType, byte[] data, Instant deadline) throws IOException {
        writer.writeControl(messageType, data, deadline);
    }

    @Override
    public void writePreparedMessage(PreparedMessage message) throws IOException {
        writer.writePrepared(message);
    }

    @Override
    public void writePreparedMessages(List<PreparedMessage> messages) throws IOException {
        writer.writePrepared(messages);
    }

    // ---- closing -------------------------------------------------------------------------

    @Override
    public void close() throws IOException {
        try {
            net.close();
        } finally {
            closes.transportClosed();
            if (compression != null) {
                compression.close(); // ends the zlib state (native memory)
            }
        }
    }

    @Override
    public void close(int code, String reason, Duration timeout) throws IOException {
        byte[] payload = WebSocket.formatCloseMessage(code, reason);
        Instant deadline = Instant.now().plus(timeout);
        if (reader.readError() instanceof CloseException ce && ce.code() == WebSocket.CLOSE_ABNORMAL_CLOSURE) {
            close(); // the peer is gone: nobody to say goodbye to
            return;
        }
        try {
            boolean sent = sendClose(payload, deadline);
            if (sent && !closes.closeReceived()) {
                if (reader.readError() == null) {
                    awaitPeerClose(deadline);
                } else {
                    discardInput(deadline);
                }
            }
        } finally {
            close();
        }
    }

    private boolean sendClose(byte[] payload, Instant deadline) {
        try {
            writer.writeControl(WebSocket.CLOSE_MESSAGE, payload, deadline);
            return true;
        } catch (CloseSentException e) {
            return true; // already sent (for example by the close handler): still wait for the peer
        } catch (IOException e) {
            return false; // transport gone or too slow: nothing to wait for
        }
    }

    private void awaitPeerClose(Instant deadline) {
        if (reader.readLock.tryLock()) {
            // Nobody is reading: read (and discard) until the peer's close arrives.
            try {
                net.setReadDeadline(deadline);
                reader.drainUntilClosed();
            } catch (IOException e) {
                // The transport cannot take a deadline: close without waiting.
            } finally {
                reader.readLock.unlock();
            }
        } else {
            // Another thread is inside a read: it will see the close; wait for it to.
            try {
                closes.awaitReadSideDone(Math.max(0, Duration.between(Instant.now(), deadline).toNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After an error close (1002, 1007, 1009) the reader is failed, yet the peer may still be
     * sending. Closing with unread bytes makes TCP send a reset, which can destroy our close frame
     * before the peer reads it; reading until the peer's close frame (or, when the frames no longer
     * parse, its FIN or the deadline) ends with a FIN.
     */
    private void discardInput(Instant deadline) {
        if (!reader.readLock.tryLock()) {
            return;
        }
        try {
            net.setReadDeadline(deadline);
            if (reader.skipUntilPeerClose()) {
                return; // close handshake complete: the server closes TCP first (RFC 6455 §7.1.1)
            }
            byte[] scratch = new byte[8192];
            while (net.read(scratch, 0, scratch.length) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // Deadline or transport end: either way, time to close.
        } finally {
            reader.readLock.unlock();
        }
    }

    // ---- settings ------------------------------------------------------------------------

    @Override
    public void setReadDeadline(Instant deadline) throws IOException {
        net.setReadDeadline(deadline);
    }

    @Override
    public void setWriteDeadline(Instant deadline) throws IOException {
        writer.setWriteDeadline(deadline);
    }

    @Override
    public void setReadLimit(long limit) {
        reader.setReadLimit(limit);
    }

    @Override
    public void setPingHandler(PingHandler handler) {
        reader.setPingHandler(handler);
    }

    @Override
    public PingHandler pingHandler() {
        return reader.pingHandler();
    }

    @Override
    public void setPongHandler(PongHandler handler) {
        reader.setPongHandler(handler);
    }

    @Override
    public PongHandler pongHandler() {
        return reader.pongHandler();
    }

    @Override
    public void setCloseHandler(CloseHandler handler) {
        reader.setCloseHandler(handler);
    }

    @Override
    public CloseHandler closeHandler() {
        return reader.closeHandler();
    }

    @Override
    public void enableWriteCompression(boolean enable) {
        if (compression != null) {
            compression.enableWriteCompression(enable);
        }
    }

    @Override
    public void setCompressionLevel(int level) {
        if (level < -2 || level > 9) {
            throw new IllegalArgumentException("websocket: invalid compression level " + level);
        }
        if (compression != null) {
            compression.setLevel(level);
        }
    }

    // ---- accessors -----------------------------------------------------------------------

    @Override
    public SocketAddress localAddr() {
        return net.localAddress();
    }

    @Override
    public SocketAddress remoteAddr() {
        return net.remoteAddress();
    }

    @Override
    public String subprotocol() {
        return settings.subprotocol;
    }

    @Override
    public NetConn netConn() {
        return net;
    }

    @Override
    public String toString() {
        return "WebSocketConn[" + (settings.server ? "server" : "client") + ", remote=" + net.remoteAddress() + "]";
    }
}
