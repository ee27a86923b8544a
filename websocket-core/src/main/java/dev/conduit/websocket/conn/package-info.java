/**
 * The {@link dev.conduit.websocket.Conn} implementation: the reader (one thread at a time, control
 * frames handled inside the read calls), the writer (whole messages serialised, control frames
 * between fragments) and the tracking of the closing handshake. Internal to the library.
 */
package dev.conduit.websocket.conn;
