package dev.conduit.conformance;

import java.util.List;

/**
 * The exact outcome of a case as the raw peer observes it.
 *
 * @param messages the data messages echoed back, in order
 * @param pongs the payloads of the pongs received, in order
 * @param closeCode the code of the close frame the side under test sends, 1005 for a close frame
 *                  without a payload
 * @param partialEchoAllowed whether an unfinished message may precede the close: a streaming echo
 *                           (nextReader copied into nextWriter) forwards fragments of a message
 *                           before it finds the message invalid, as RFC 6455 permits
 */
record Expected(List<Received.Message> messages, List<byte[]> pongs, int closeCode, boolean partialEchoAllowed) {

    static Expected close(int code, List<Received.Message> messages, List<byte[]> pongs) {
        return new Expected(messages, pongs, code, false);
    }

    static Expected fail(int code, List<Received.Message> before) {
        return new Expected(before, List.of(), code, false);
    }

    static Expected failMaybePartial(int code, List<Received.Message> before) {
        return new Expected(before, List.of(), code, true);
    }
}
