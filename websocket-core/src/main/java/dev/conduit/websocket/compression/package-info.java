/**
 * The permessage-deflate extension (RFC 7692): negotiation of {@code Sec-WebSocket-Extensions} on
 * both sides ({@link dev.conduit.websocket.compression.PerMessageDeflateNegotiation}) and the
 * per-message codec ({@link dev.conduit.websocket.compression.MessageDeflater},
 * {@link dev.conduit.websocket.compression.MessageInflater}) on {@code java.util.zip}.
 *
 * <p>{@code java.util.zip} fixes the LZ77 window at 15 bits, which decides the negotiation rules: an
 * offer that limits the server's window below 15 bits is declined, and a response that limits the
 * client's window is refused.
 */
package dev.conduit.websocket.compression;
