package io.tollgate.core;

import java.util.Arrays;

/**
 * The exact rule SlidingWindow approximates, as a test oracle: a log of admission timestamps; a call
 * of {@code cost} at {@code t} is admitted iff the units admitted in {@code (t - W, t]} plus
 * {@code cost} are at most {@code L}. Times must not go backwards.
 */
final class ExactSlidingLog {
    private final long windowMillis;
    private final long limit;
    private long[] times = new long[64];
    private long[] costs = new long[64];
    private int first;
    private int size;
    private long inWindow;
    private long admittedTotal;

    ExactSlidingLog(long windowMillis, long limit) {
        this.windowMillis = windowMillis;
        this.limit = limit;
    }

    boolean tryAcquire(long t, long cost) {
        if (!fits(t, cost)) {
            return false;
        }
        record(t, cost);
        return true;
    }

    /** Would {@code cost} more be admitted at {@code t}? */
    boolean fits(long t, long cost) {
        expire(t);
        return inWindow + cost <= limit;
    }

    /** Appends an admission without checking (to replay another limiter's admissions). */
    void record(long t, long cost) {
        expire(t);
        if (first + size == times.length) {
            if (first > 0) {
                System.arraycopy(times, first, times, 0, size);
                System.arraycopy(costs, first, costs, 0, size);
                first = 0;
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                costs = Arrays.copyOf(costs, size * 2);
            }
        }
        times[first + size] = t;
        costs[first + size] = cost;
        size++;
        inWindow += cost;
        admittedTotal += cost;
    }

    /** Units admitted in {@code (t - W, t]}. */
    long inWindow(long t) {
        expire(t);
        return inWindow;
    }

    long admittedTotal() {
        return admittedTotal;
    }

    private void expire(long t) {
        while (size > 0 && times[first] <= t - windowMillis) {
            inWindow -= costs[first];
            first++;
            size--;
        }
    }
}
