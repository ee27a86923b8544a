package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.NetConn;

/**
 * A {@link NetConn} of an upgraded Servlet connection: the transport and the two steps of the end
 * of the handler that runs on it, both on the container thread that ran the handler.
 */
public interface ServerNetConn extends NetConn {
    /**
     * Called once the handler has returned, before the Conn is closed: nobody reads any more, so
     * the close can go through the container ({@link #endOfHandler}), which flushes what it still
     * buffers instead of cutting the socket under it.
     */
    void handlerReturned();

    /** Called when the handler has finished: hands the socket back to the container, which closes it. */
    void endOfHandler();
}
