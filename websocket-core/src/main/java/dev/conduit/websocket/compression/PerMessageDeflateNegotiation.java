package dev.conduit.websocket.compression;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Negotiates permessage-deflate (RFC 7692 §5 and §7.1) on both ends of a handshake.
 *
 * <p>Server ({@code Upgrader}): {@link #acceptOffer} walks the client's offers in order and accepts
 * the first usable permessage-deflate offer; the connection runs uncompressed when none is usable.
 * An offer is unusable when it has an unknown parameter, a parameter twice, a value where none is
 * allowed or an invalid one, or {@code server_max_window_bits} below 15 (the JDK's {@code Deflater}
 * always uses a 15-bit window, so accepting would be a lie). {@code client_max_window_bits} is
 * accepted with or without a value and never answered (our 15-bit decompressor reads any window).
 *
 * <p>Client ({@code Dialer}): {@link #clientOffer} builds the offer and {@link #acceptResponse}
 * checks the server's answer. The offer never contains {@code client_max_window_bits}, so the
 * server may not limit our window (which we could not honour).
 *
 * <p>Extension and parameter names are compared ignoring ASCII case; window sizes must be written
 * as the plain numbers {@code 8} to {@code 15} (a quoted {@code "15"} is allowed, RFC 6455 §9.1).
 */
public final class PerMessageDeflateNegotiation {
    /** The {@code Sec-WebSocket-Extensions} header name. */
    public static final String HEADER = "Sec-WebSocket-Extensions";

    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private PerMessageDeflateNegotiation() {
    }

    /**
     * What a server accepted.
     *
     * @param params the agreed parameters, for the connection
     * @param responseHeader the value of the {@code Sec-WebSocket-Extensions} response header
     */
    public record Accepted(PerMessageDeflateParams params, String responseHeader) {
    }

    /**
     * Server side: picks the first usable permessage-deflate offer.
     *
     * @param offerLines every {@code Sec-WebSocket-Extensions} line of the request, may be {@code null}
     * @param config the server's configuration
     * @return the agreement and the response header value, or empty to run uncompressed (no
     *         response header)
     */
    public static Optional<Accepted> acceptOffer(Iterable<String> offerLines, PerMessageDeflateConfig config) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        for (Extension offer : ExtensionList.parse(offerLines).elements()) {
            if (isPerMessageDeflate(offer)) {
                Optional<Accepted> accepted = acceptOne(offer, config);
                if (accepted.isPresent()) {
                    return accepted;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Accepted> acceptOne(Extension offer, PerMessageDeflateConfig config) {
        boolean serverNoTakeover = config.serverNoContextTakeover();
        boolean clientNoTakeover = config.clientNoContextTakeover();
        boolean serverWindowOffered = false;
        Set<String> seen = new HashSet<>();
        for (ExtensionParam p : offer.params()) {
            String name = lower(p.name());
            if (!seen.add(name)) {
                return Optional.empty(); // duplicate parameter (RFC 7692 §7: decline)
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return Optional.empty();
                    }
                    serverNoTakeover = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return Optional.empty();
                    }
                    clientNoTakeover = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    int bits = windowBits(p.value());
                    // A limit below 15 cannot be honoured by java.util.zip: decline this offer.
                    if (bits != PerMessageDeflateParams.MAX_WINDOW_BITS) {
                        return Optional.empty();
                    }
                    serverWindowOffered = true;
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    // No value: the client merely supports the parameter; we do not use it. A value is
                    // the client's own limit, which our 15-bit inflater reads whatever it is.
                    if (p.value() != null && windowBits(p.value()) < 0) {
                        return Optional.empty();
                    }
                }
                default -> {
                    return Optional.empty(); // unknown parameter
                }
            }
        }
        StringBuilder header = new StringBuilder(PerMessageDeflateParams.EXTENSION_NAME);
        if (serverNoTakeover) {
            header.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (clientNoTakeover) {
            header.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if (serverWindowOffered) {
            // RFC 7692 §7.1.2.1: accepting an offer with server_max_window_bits means answering it.
            header.append("; ").append(SERVER_MAX_WINDOW_BITS).append('=').append(PerMessageDeflateParams.MAX_WINDOW_BITS);
        }
        return Optional.of(new Accepted(PerMessageDeflateParams.of(serverNoTakeover, clientNoTakeover), header.toString()));
    }

    /**
     * Client side: the {@code Sec-WebSocket-Extensions} request header value, for example
     * {@code permessage-deflate} or {@code permessage-deflate; server_no_context_takeover}.
     *
     * @param config the client's configuration
     * @return the header value, or empty when compression is disabled (send no header)
     */
    public static Optional<String> clientOffer(PerMessageDeflateConfig config) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(PerMessageDeflateParams.EXTENSION_NAME);
        if (config.serverNoContextTakeover()) {
            b.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (config.clientNoContextTakeover()) {
            b.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        return Optional.of(b.toString());
    }

    /**
     * Client side: checks the server's response against what {@link #clientOffer} offered.
     *
     * @param responseLines every {@code Sec-WebSocket-Extensions} line of the 101 response, may be
     *        {@code null}
     * @param config the configuration the offer was built from
     * @return the agreed parameters, or empty when the server declined (run uncompressed)
     * @throws ExtensionNegotiationException when the client must fail the connection: a malformed
     *         header, an extension that was not offered, permessage-deflate twice, an unknown,
     *         repeated or invalid parameter, {@code client_max_window_bits} (not offered), or no
     *         {@code server_no_context_takeover} although it was asked for
     */
    public static Optional<PerMessageDeflateParams> acceptResponse(Iterable<String> responseLines,
            PerMessageDeflateConfig config) throws ExtensionNegotiationException {
        ExtensionList list = ExtensionList.parse(responseLines);
        if (list.malformed()) {
            throw new ExtensionNegotiationException("malformed " + HEADER + " response header");
        }
        PerMessageDeflateParams agreed = null;
        for (Extension e : list.elements()) {
            if (!config.enabled() || !isPerMessageDeflate(e)) {
                throw new ExtensionNegotiationException("server accepted extension " + e.name() + " that was not offered");
            }
            if (agreed != null) {
                throw new ExtensionNegotiationException("server accepted permessage-deflate twice");
            }
            agreed = checkResponse(e, config);
        }
        return Optional.ofNullable(agreed);
    }

    private static PerMessageDeflateParams checkResponse(Extension e, PerMessageDeflateConfig config)
            throws ExtensionNegotiationException {
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = config.clientNoContextTakeover();
        int serverWindow = PerMessageDeflateParams.MAX_WINDOW_BITS;
        Set<String> seen = new HashSet<>();
        for (ExtensionParam p : e.params()) {
            String name = lower(p.name());
            if (!seen.add(name)) {
                throw new ExtensionNegotiationException("permessage-deflate parameter " + p.name() + " repeated");
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        throw new ExtensionNegotiationException("permessage-deflate parameter " + p.name() + " has a value");
                    }
                    if (name.equals(SERVER_NO_CONTEXT_TAKEOVER)) {
                        serverNoTakeover = true;
                    } else {
                        clientNoTakeover = true;
                    }
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    // Allowed even unasked (RFC 7692 §7.1.2.1); a 15-bit inflater reads any smaller window.
                    serverWindow = windowBits(p.value());
                    if (serverWindow < 0) {
                        throw new ExtensionNegotiationException("invalid server_max_window_bits: " + p.value());
                    }
                }
                case CLIENT_MAX_WINDOW_BITS ->
                    // Not offered, so not allowed (RFC 7692 §7.1.2.2); java.util.zip could not honour it anyway.
                    throw new ExtensionNegotiationException("server sent client_max_window_bits, which was not offered");
                default -> throw new ExtensionNegotiationException("unknown permessage-deflate parameter " + p.name());
            }
        }
        if (config.serverNoContextTakeover() && !serverNoTakeover) {
            throw new ExtensionNegotiationException("server accepted permessage-deflate without the requested server_no_context_takeover");
        }
        return new PerMessageDeflateParams(serverNoTakeover, clientNoTakeover, serverWindow,
                PerMessageDeflateParams.MAX_WINDOW_BITS);
    }

    private static boolean isPerMessageDeflate(Extension e) {
        return lower(e.name()).equals(PerMessageDeflateParams.EXTENSION_NAME);
    }

    /** @return 8 to 15, or -1 for a missing or invalid value */
    private static int windowBits(String value) {
        if (value == null) {
            return -1;
        }
        return switch (value) {
            case "8", "9", "10", "11", "12", "13", "14", "15" -> Integer.parseInt(value);
            default -> -1;
        };
    }

    private static String lower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }
}
