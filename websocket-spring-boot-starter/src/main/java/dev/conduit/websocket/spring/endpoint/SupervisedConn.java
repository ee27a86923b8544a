package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.CloseHandler;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.PingHandler;
import dev.conduit.websocket.PongHandler;
import dev.conduit.websocket.PreparedMessage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@link Conn} a handler receives when a {@link ConnSupervisor} watches the connection: every
 * call goes to the real Conn, and the supervisor hears of each arriving frame. The ping and pong
 * handlers the application sets still run (inside ours), and the getters return them, so the
 * application sees gorilla's behaviour unchanged.
 */
final class SupervisedConn implements Conn {
    private final Conn conn;
    private final ConnSupervisor supervisor;
    private volatile PingHandler appPingHandler;
    private volatile PongHandler appPongHandler;

    SupervisedConn(Conn conn, ConnSupervisor supervisor) {
        this.conn = conn;
        this.supervisor = supervisor;
        this.appPingHandler = conn.pingHandler();
        this.appPongHandler = conn.pongHandler();
        conn.setPingHandler(data -> {
            supervisor.frameArrived();
            appPingHandler.handle(data);
        });
        conn.setPongHandler(data -> {
            supervisor.pongArrived();
            appPongHandler.handle(data);
        });
    }

    @Override
    public Message readMessage() throws IOException {
        supervisor.readStarted();
        Message m = conn.readMessage();
        supervisor.frameArrived();
        return m;
    }

    @Override
    public MessageReader nextReader() throws IOException {
        supervisor.readStarted();
        MessageReader r = conn.nextReader();
        supervisor.frameArrived();
        return new MessageReader(r.messageType(), new FilterInputStream(r.reader()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                supervisor.frameArrived();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                supervisor.frameArrived();
                return n;
            }
        });
    }

    @Override
    public <T> T readJson(Class<T> type) throws IOException {
        T v = conn.readJson(type);
        supervisor.frameArrived();
        return v;
    }

    @Override
    public <T> T readJson(Type type) throws IOException {
        T v = conn.readJson(type);
        supervisor.frameArrived();
        return v;
    }

    @Override
    public void readJson(Object target) throws IOException {
        conn.readJson(target);
        supervisor.frameArrived();
    }

    @Override
    public void writeMessage(int messageType, byte[] data) throws IOException {
        conn.writeMessage(messageType, data);
    }

    @Override
    public OutputStream nextWriter(int messageType) throws IOException {
        return conn.nextWriter(messageType);
    }

    @Override
    public void writeJson(Object value) throws IOException {
        conn.writeJson(value);
    }

    @Override
    public void writeControl(int messageType, byte[] data, Instant deadline) throws IOException {
        conn.writeControl(messageType, data, deadline);
    }

    @Override
    public void writePreparedMessage(PreparedMessage message) throws IOException {
        conn.writePreparedMessage(message);
    }

    @Override
    public void writePreparedMessages(List<PreparedMessage> messages) throws IOException {
        conn.writePreparedMessages(messages);
    }

    @Override
    public void close() throws IOException {
        conn.close();
    }

    @Override
    public void close(int code, String reason, Duration timeout) throws IOException {
        conn.close(code, reason, timeout);
    }

    @Override
    public void setReadDeadline(Instant deadline) throws IOException {
        conn.setReadDeadline(deadline);
    }

    @Override
    public void setWriteDeadline(Instant deadline) throws IOException {
        conn.setWriteDeadline(deadline);
    }

    @Override
    public void setReadLimit(long limit) {
        conn.setReadLimit(limit);
    }

    @Override
    public void setPingHandler(PingHandler handler) {
        // null restores the default (answer with a pong), as on the real Conn.
        conn.setPingHandler(null);
        PingHandler defaultHandler = conn.pingHandler();
        appPingHandler = handler == null ? defaultHandler : handler;
        conn.setPingHandler(data -> {
            supervisor.frameArrived();
            appPingHandler.handle(data);
        });
    }

    @Override
    public PingHandler pingHandler() {
        return appPingHandler;
    }

    @Override
    public void setPongHandler(PongHandler handler) {
        conn.setPongHandler(null);
        PongHandler defaultHandler = conn.pongHandler();
        appPongHandler = handler == null ? defaultHandler : handler;
        conn.setPongHandler(data -> {
            supervisor.pongArrived();
            appPongHandler.handle(data);
        });
    }

    @Override
    public PongHandler pongHandler() {
        return appPongHandler;
    }

    @Override
    public void setCloseHandler(CloseHandler handler) {
        conn.setCloseHandler(handler);
    }

    @Override
    public CloseHandler closeHandler() {
        return conn.closeHandler();
    }

    @Override
    public void enableWriteCompression(boolean enable) {
        conn.enableWriteCompression(enable);
    }

    @Override
    public void setCompressionLevel(int level) {
        conn.setCompressionLevel(level);
    }

    @Override
    public SocketAddress localAddr() {
        return conn.localAddr();
    }

    @Override
    public SocketAddress remoteAddr() {
        return conn.remoteAddr();
    }

    @Override
    public String subprotocol() {
        return conn.subprotocol();
    }

    @Override
    public NetConn netConn() {
        return conn.netConn();
    }

    @Override
    public String toString() {
        return conn.toString();
    }
}
