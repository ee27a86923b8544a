package dev.conduit.websocket.server;

import dev.conduit.websocket.Conn;

/** TEMPORARY stub in branch starter until the server helper's Upgrader lands on main. */
@FunctionalInterface
public interface ConnHandler {
    void accept(Conn conn) throws Exception;
}
