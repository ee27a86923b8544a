package dev.conduit.websocket.server.internal;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The time left before a transport's deadline. */
final class Deadlines {
    private Deadlines() {
    }

    /**
     * @return the milliseconds left before the deadline (at least 1, rounded up), or -1 for none
     * @throws SocketTimeoutException when the deadline has passed
     */
    static long millisLeft(Instant deadline, String what) throws SocketTimeoutException {
        if (deadline == null) {
            return -1;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new SocketTimeoutException(what + " deadline passed");
        }
        try {
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left.toNanos() + 999_999)); // round up
        } catch (ArithmeticException farFuture) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** @return the nanoseconds left before the deadline (whole milliseconds, rounded up), or 0 for none */
    static long nanosLeft(Instant deadline, String what) throws SocketTimeoutException {
        long millis = millisLeft(deadline, what);
        return millis < 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
