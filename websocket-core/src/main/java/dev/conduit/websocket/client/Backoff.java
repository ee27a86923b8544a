package dev.conduit.websocket.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The delay schedule of a {@link Reconnector}: exponential back-off with jitter. Attempt {@code n}
 * (0 for the first retry) has the ceiling {@code min(max, initial × multiplier^n)}; the jitter picks
 * the delay under it, so that many clients dropped at the same moment do not return at the same
 * moment. Immutable; {@link #delay} is a pure function of its arguments.
 *
 * @param initial the ceiling of the first retry's delay (and the floor of decorrelated jitter)
 * @param max the longest delay
 * @param multiplier how much the ceiling grows per failed attempt, at least 1
 * @param jitter how the delay is picked under the ceiling
 */
public record Backoff(Duration initial, Duration max, double multiplier, Jitter jitter) {

    /** How a delay is picked. */
    public enum Jitter {
        /** The ceiling itself: no randomness. */
        NONE,
        /** Uniform between 0 and the ceiling ("full jitter"): the least synchronised, the default. */
        FULL,
        /**
         * Uniform between {@code initial} and three times the previous delay, capped at {@code max}
         * ("decorrelated jitter"); the growth follows the previous delay rather than the attempt count.
         */
        DECORRELATED
    }

    /** 1 s initial, 30 s max, doubling, full jitter. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0, Jitter.FULL);

    /**
     * @throws IllegalArgumentException if a duration is negative, {@code max < initial} or
     *         {@code multiplier < 1}
     */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(jitter, "jitter");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off: need 0 <= initial <= max, got " + initial + " and " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("back-off: multiplier must be a finite number >= 1, got " + multiplier);
        }
    }

    /**
     * @param initial the first ceiling
     * @param max the longest delay
     * @return doubling with full jitter
     */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2.0, Jitter.FULL);
    }

    /**
     * @param multiplier the growth per attempt
     * @return a copy with it
     */
    public Backoff withMultiplier(double multiplier) {
        return new Backoff(initial, max, multiplier, jitter);
    }

    /**
     * @param jitter how delays are picked
     * @return a copy with it
     */
    public Backoff withJitter(Jitter jitter) {
        return new Backoff(initial, max, multiplier, jitter);
    }

    /**
     * The ceiling of attempt {@code attempt}: {@code min(max, initial × multiplier^attempt)}.
     *
     * @param attempt 0 for the first retry
     * @return the ceiling
     */
    public Duration ceiling(int attempt) {
        double nanos = initial.toNanos() * Math.pow(multiplier, Math.max(0, attempt));
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    /**
     * The delay before retry {@code attempt}.
     *
     * @param attempt 0 for the first retry after a failure, growing by one per further failure
     * @param previous the delay before the previous retry ({@link Duration#ZERO} for the first);
     *        used by {@link Jitter#DECORRELATED} only
     * @param random the source of jitter
     * @return a delay between 0 and {@code max}
     */
    public Duration delay(int attempt, Duration previous, RandomGenerator random) {
        switch (jitter) {
            case NONE:
                return ceiling(attempt);
            case FULL:
                return Duration.ofNanos(uniform(random, 0, ceiling(attempt).toNanos()));
            default:
                long floor = initial.toNanos();
                long prev = previous == null ? 0 : previous.toNanos();
                long top = prev > max.toNanos() / 3 ? max.toNanos() : Math.max(floor, prev * 3);
                return Duration.ofNanos(uniform(random, floor, Math.min(top, max.toNanos())));
        }
    }

    private static long uniform(RandomGenerator random, long from, long to) {
        return to <= from ? from : random.nextLong(from, to + 1);
    }
}
