package dev.conduit.websocket.spring.hub;

/**
 * Message ids of a relay with positions: {@code <milliseconds>-<sequence>.<index>}, the Redis
 * stream entry holding the message and its place in that entry. Ids grow in the order every
 * instance delivers the messages, so they compare as positions.
 */
public final class MessageIds {
    private MessageIds() {
    }

    /**
     * @param id an id, possibly from a client
     * @return its three parts, or {@code null} when it is not a well-formed id
     */
    public static long[] parse(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return null;
        }
        int dash = id.indexOf('-');
        int dot = id.indexOf('.', dash + 1);
        if (dash <= 0 || dot <= dash + 1 || dot == id.length() - 1) {
            return null;
        }
        try {
            long[] parts = {Long.parseLong(id, 0, dash, 10), Long.parseLong(id, dash + 1, dot, 10),
                    Long.parseLong(id, dot + 1, id.length(), 10)};
            return parts[0] < 0 || parts[1] < 0 || parts[2] < 0 ? null : parts;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Compares two well-formed ids as positions. */
    public static int compare(long[] a, long[] b) {
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Compares two well-formed ids as positions. */
    public static int compare(String a, String b) {
        return compare(parse(a), parse(b));
    }
}
