package dev.conduit.websocket.spring.hub;

import java.util.Locale;

/**
 * Why a relay refused a message from the shared channel or stream; the {@code reason} tag of
 * {@code websocket.hub.relay.rejected}. A small fixed set, so the tag's cardinality stays low.
 */
public enum RelayRejection {
    /** Not an envelope: too short, a length that does not match what follows, a topic that is not UTF-8. */
    MALFORMED,
    /** An envelope version this instance does not read. */
    VERSION,
    /** A message type other than text or binary. */
    TYPE,
    /** Larger than the relay accepts (the whole envelope, or its topic). */
    TOO_LARGE,
    /** Not signed while the relay has a secret. */
    UNSIGNED,
    /** Signed, but the signature does not match the relay's secret. */
    BAD_SIGNATURE;

    /** @return the tag value: lower case, words joined by '-' */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
