package dev.conduit.conformance;

import java.util.List;

/**
 * One Autobahn-style case: frames the raw peer sends, how it writes them, and the exact outcome
 * expected from the side under test.
 *
 * @param id the case number, "section.n" (sections follow the Autobahn TestSuite's numbering)
 * @param title what the case checks
 * @param frames the frames, in order
 * @param write how the frames are split into socket writes
 * @param closeAfter whether the peer ends with a close 1000 of its own after the frames
 * @param expected the outcome
 * @param offer null for a connection without extensions; otherwise the Sec-WebSocket-Extensions the
 *              raw client offers (server side; the Dialer makes its own offer on the client side)
 * @param answer with an offer: the answer the server must give (server side), or the answer the
 *               scripted server gives (client side); null when the offer must be declined
 */
record ConformanceCase(String id, String title, List<WireFrame> frames, Write write, boolean closeAfter,
                       Expected expected, String offer, String answer) {

    ConformanceCase(String id, String title, List<WireFrame> frames, Write write, boolean closeAfter, Expected expected) {
        this(id, title, frames, write, closeAfter, expected, null, null);
    }

    /** How the frames are split into writes. */
    enum Write {
        /** All frames in a single write. */
        ONE_WRITE,
        /** One write per frame. */
        FRAME_BY_FRAME,
        /** One write (and flush) per byte. */
        BYTE_BY_BYTE,
        /** Writes of 997 bytes, as Autobahn's "chopsize" cases do. */
        CHOPPED
    }

    /** @return the section number, the part of the id before the first dot */
    String section() {
        return id.substring(0, id.indexOf('.'));
    }

    @Override
    public String toString() {
        return id + " " + title + " [" + write.name().toLowerCase().replace('_', ' ') + "]"
                + (offer == null ? "" : " {" + offer + "}");
    }
}
