package dev.conduit.websocket.server.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** A takeover failed past its point of no return: the connection cannot be served. */
public final class TakeoverException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient TakeoverStep step;
    private final transient SocketChannel channel;

    TakeoverException(TakeoverStep step, SocketChannel channel, Throwable cause) {
        super("websocket: taking the connection from Tomcat failed at '" + step.description() + "'", cause);
        this.step = step;
        this.channel = channel;
    }

    /** @return the step that failed */
    TakeoverStep step() {
        return step;
    }

    /** @return the connection's channel, still open, for a last close frame */
    public SocketChannel channel() {
        return channel;
    }
}
