package dev.conduit.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The raw peer's own permessage-deflate (RFC 7692) on {@code java.util.zip}, written apart from the
 * library's codec: raw deflate, a sync flush per message with the trailing {@code 00 00 ff ff}
 * removed, and the context kept between messages unless the negotiation forbids it.
 */
final class PeerDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    private final boolean resetDeflater;
    private final boolean resetInflater;

    /**
     * @param answer the server's Sec-WebSocket-Extensions answer
     * @param client whether this peer is the client
     */
    PeerDeflate(String answer, boolean client) {
        String a = answer.toLowerCase(Locale.ROOT);
        boolean serverNoContext = a.contains("server_no_context_takeover");
        boolean clientNoContext = a.contains("client_no_context_takeover");
        this.resetDeflater = client ? clientNoContext : serverNoContext;
        this.resetInflater = client ? serverNoContext : clientNoContext;
    }

    byte[] compress(byte[] message) {
        if (resetDeflater) {
            deflater.reset();
        }
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 16);
        byte[] buf = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length || !deflater.needsInput());
        byte[] all = out.toByteArray();
        if (all.length >= 4 && Arrays.equals(all, all.length - 4, all.length, TAIL, 0, 4)) {
            return Arrays.copyOf(all, all.length - 4);
        }
        return all;
    }

    byte[] decompress(byte[] data, int limit) throws DataFormatException {
        if (resetInflater) {
            inflater.reset();
        }
        byte[] in = Arrays.copyOf(data, data.length + 4);
        System.arraycopy(TAIL, 0, in, data.length, 4);
        inflater.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 2 + 16);
        byte[] buf = new byte[8192];
        while (true) {
            int n = inflater.inflate(buf);
            if (n > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    throw new DataFormatException("more than " + limit + " bytes inflated");
                }
            } else if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
                break;
            }
        }
        return out.toByteArray();
    }
}
