/**
 * gorilla/websocket's API for Java: the {@link dev.conduit.websocket.Conn} a handler reads and
 * writes on a plain blocking thread, its {@link dev.conduit.websocket.Message}s, the constants and
 * helpers of {@link dev.conduit.websocket.WebSocket} (message types, close codes,
 * {@code formatCloseMessage}, {@code isCloseError}, {@code joinMessages}),
 * {@link dev.conduit.websocket.PreparedMessage} for broadcasts, and the exceptions that stand for
 * gorilla's errors.
 *
 * <p>Where Go returns {@code err}, Java throws an {@link java.io.IOException} subclass:
 * {@link dev.conduit.websocket.CloseException} (the peer's close, or 1006 when TCP ended),
 * {@link dev.conduit.websocket.ProtocolException}, {@link dev.conduit.websocket.ReadLimitException},
 * {@link dev.conduit.websocket.CloseSentException}, and the transport's own exceptions such as
 * {@link java.net.SocketTimeoutException} for a deadline. Servers get a {@code Conn} from
 * {@link dev.conduit.websocket.server.Upgrader}, clients from
 * {@link dev.conduit.websocket.client.Dialer}.
 */
package dev.conduit.websocket;
