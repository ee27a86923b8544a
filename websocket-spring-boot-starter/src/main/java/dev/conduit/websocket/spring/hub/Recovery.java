package dev.conduit.websocket.spring.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection recovering one topic: while the relay reads what it missed, the topic's live
 * messages wait here (bounded like its queue); afterwards, live messages the replay already covered
 * are skipped, so the connection gets each message once, in id order.
 */
final class Recovery {
    private final int maxMessages;
    private final long maxBytes;
    private final List<RelayedMessage> pending = new ArrayList<>();
    private long pendingBytes;
    private boolean done;
    private boolean overflowed;
    private long[] skipUpTo;

    Recovery(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** @return true when the live message is held back or already replayed (the caller does not queue it) */
    synchronized boolean hold(RelayedMessage message) {
        if (!done) {
            if (pending.size() >= maxMessages || pendingBytes + message.data().length > maxBytes) {
                overflowed = true;
            } else {
                pending.add(message);
                pendingBytes += message.data().length;
            }
            return true;
        }
        if (skipUpTo != null) {
            long[] id = MessageIds.parse(message.id());
            if (id != null && MessageIds.compare(id, skipUpTo) <= 0) {
                return true;
            }
            skipUpTo = null;
        }
        return false;
    }

    /** Called once by the relay's answer, under this recovery's lock. */
    interface Sink {
        void send(RelayedMessage message);

        void marker(boolean complete, int missed);

        void overflowed();
    }

    synchronized void complete(String afterId, List<RelayedMessage> missed, boolean complete, Sink sink) {
        long[] last = MessageIds.parse(afterId);
        int sent = 0;
        for (RelayedMessage message : missed) {
            long[] id = MessageIds.parse(message.id());
            if (last == null || MessageIds.compare(id, last) > 0) {
                sink.send(message);
                last = id;
                sent++;
            }
        }
        sink.marker(complete, sent);
        for (RelayedMessage message : pending) {
            long[] id = MessageIds.parse(message.id());
            if (id == null || last == null || MessageIds.compare(id, last) > 0) {
                sink.send(message);
                if (id != null) {
                    last = id;
                }
            }
        }
        pending.clear();
        done = true;
        skipUpTo = last;
        if (overflowed) {
            sink.overflowed();
        }
    }
}
