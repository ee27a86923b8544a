package dev.conduit.websocket.compression;

/**
 * What one end is willing to negotiate for permessage-deflate: whether to use it at all and whether
 * to insist on "no context takeover" for either direction.
 *
 * <p>With context takeover (the default) a compressor keeps its 32 KiB window from one message to
 * the next, which compresses similar messages far better but keeps a compressor (about 256 KiB of
 * native memory) and a decompressor (about 40 KiB) alive per connection. Without it, each message
 * is compressed on its own and the zlib state is borrowed from a shared pool only for the message.
 *
 * <ul>
 * <li>On a server, {@code serverNoContextTakeover} makes the server declare that it resets its own
 * compressor for every message (RFC 7692 §7.1.1.1 allows this whatever the offer), and
 * {@code clientNoContextTakeover} asks the client to do the same (§7.1.1.2), which the client must
 * then honour.</li>
 * <li>On a client, both are put into the offer: {@code serverNoContextTakeover} asks the server to
 * reset (the server must accept it or decline compression), {@code clientNoContextTakeover}
 * promises that the client will.</li>
 * </ul>
 *
 * @param enabled whether to negotiate permessage-deflate at all
 * @param serverNoContextTakeover ask for (client) or declare (server) no context takeover on the
 *        server's messages
 * @param clientNoContextTakeover promise (client) or ask for (server) no context takeover on the
 *        client's messages
 */
public record PerMessageDeflateConfig(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
    /** Compression off: nothing is offered, nothing is accepted. */
    public static final PerMessageDeflateConfig DISABLED = new PerMessageDeflateConfig(false, false, false);

    /** Compression on, with context takeover in both directions unless the peer asks otherwise. */
    public static final PerMessageDeflateConfig ENABLED = new PerMessageDeflateConfig(true, false, false);

    /**
     * @param noContextTakeover the new value
     * @return a copy with {@code serverNoContextTakeover} changed
     */
    public PerMessageDeflateConfig withServerNoContextTakeover(boolean noContextTakeover) {
        return new PerMessageDeflateConfig(enabled, noContextTakeover, clientNoContextTakeover);
    }

    /**
     * @param noContextTakeover the new value
     * @return a copy with {@code clientNoContextTakeover} changed
     */
    public PerMessageDeflateConfig withClientNoContextTakeover(boolean noContextTakeover) {
        return new PerMessageDeflateConfig(enabled, serverNoContextTakeover, noContextTakeover);
    }
}
