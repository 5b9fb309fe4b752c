package io.tollgate.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One window's counter: a sliding window made of {@value #SUB_BUCKETS} sub-buckets.
 *
 * <p>Design note. Time is cut into buckets of width {@code g = W / SUB_BUCKETS}; the counter keeps
 * the {@code SUB_BUCKETS + 1} newest buckets, which are exactly the buckets that overlap the interval
 * {@code (now - W, now]}. {@link #used} counts every one of them in full, the oldest included even
 * though only part of it still lies inside the window. That is the conservative choice: every unit
 * admitted in {@code (now - W, now]} is counted, so no interval of length W can ever hold more than
 * the limit (the exact sliding-log guarantee). The price is that a unit blocks its slot for at most
 * {@code W + g} instead of {@code W}, and the freed slot is only taken by the next call, up to one
 * inter-arrival gap {@code d} later. Under steady overload with at least one call per bucket
 * ({@code d <= g}) the window admits about {@code SUB_BUCKETS / (SUB_BUCKETS + 1)} (97.6%) of what an
 * exact sliding log admits, and never less than {@code W / (W + 2g)} (95.2%). With sparser calls the
 * bound is {@code W / (W + g + d)}: a limit of 1 with a call every {@code W / 2} admits one call per
 * {@code 1.5 W} where the exact log, taking the call that lands exactly {@code W} later, admits one
 * per {@code W} (2/3; see SlidingWindowProperties). Memory is at most
 * {@code SUB_BUCKETS + 1} counters whatever the traffic (only the span between the oldest and newest
 * non-empty bucket is stored); the Redis sorted-set log of the original design kept one member per request.
 *
 * <p>Values are immutable: every change returns a new instance. The clock is always passed in.
 */
public final class SlidingWindow {

    /** Sub-buckets per window; divides every window length in milliseconds exactly. */
    public static final int SUB_BUCKETS = 40;
    private static final int SLOTS = SUB_BUCKETS + 1;

    private static final long[] NONE = new long[0];

    private final Window window;
    /** Index (time / bucket width) of the newest bucket, slot {@code SUB_BUCKETS}. */
    private final long head;
    /**
     * The slots from the first to the last non-zero one: slot {@code first + i} (bucket
     * {@code head - SUB_BUCKETS + first + i}) is {@code span[i]}; every other slot is 0. Most users call
     * a few times per window, and a member keeps an entry of every user active within a day: storing
     * all {@value #SLOTS} slots cost ~340 bytes per window (measured: 51 of the 123 MB that 48,871
     * never-seen users added). Operations work on the full slots ({@link #slotsAt}) and store the trimmed span.
     */
    private final int first;
    private final long[] span;

    private SlidingWindow(Window window, long head, long[] slots) {
        this.window = window;
        this.head = head;
        int lo = 0;
        while (lo < SLOTS && slots[lo] == 0) {
            lo++;
        }
        int hi = SLOTS - 1;
        while (hi >= lo && slots[hi] == 0) {
            hi--;
        }
        this.first = lo == SLOTS ? 0 : lo;
        this.span = lo > hi ? NONE : Arrays.copyOfRange(slots, lo, hi + 1);
    }

    public static SlidingWindow empty(Window window) {
        return new SlidingWindow(Objects.requireNonNull(window), 0, new long[SLOTS]);
    }

    /** Rebuilds a counter from its stored form (serializers only). */
    public static SlidingWindow of(Window window, long head, long[] counts) {
        if (counts.length != SLOTS) {
            throw new IllegalArgumentException("expected " + SLOTS + " buckets, got " + counts.length);
        }
        return new SlidingWindow(Objects.requireNonNull(window), head, counts);
    }

    public static long bucketMillis(Window window) {
        return window.millis() / SUB_BUCKETS;
    }

    public Window window() {
        return window;
    }

    public long head() {
        return head;
    }

    /** A copy of the buckets, oldest first. */
    public long[] counts() {
        return slotsAt(head);
    }

    /** How many slots this counter keeps in memory (the span between its oldest and newest non-empty bucket). */
    int storedSlots() {
        return span.length;
    }

    /** Units counted in the window that ends at {@code now}. */
    public long used(long now) {
        long shift = headAt(now) - head;
        long total = 0;
        for (int i = 0; i < span.length; i++) {
            if (first + i - shift >= 0) {
                total += span[i];
            }
        }
        return total;
    }

    /** True when nothing is counted at {@code now}: the counter can be dropped. */
    public boolean isIdle(long now) {
        return used(now) == 0;
    }

    /** Adds {@code amount} units at {@code now}. */
    public SlidingWindow plus(long now, long amount) {
        long h = headAt(now);
        long[] next = slotsAt(h);
        next[SUB_BUCKETS] = saturatingAdd(next[SUB_BUCKETS], amount);
        return new SlidingWindow(window, h, next);
    }

    /**
     * Takes back {@code amount} units that were added at {@code addedAt} (compensation of a partial
     * acquire). Units whose bucket already left the window are gone anyway; never goes below zero.
     */
    public SlidingWindow minus(long addedAt, long amount, long now) {
        long h = headAt(now);
        long bucket = Math.floorDiv(addedAt, bucketMillis(window));
        long slot = bucket - (h - SUB_BUCKETS);
        if (slot < 0 || slot > SUB_BUCKETS) {
            return at(now);
        }
        long[] next = slotsAt(h);
        next[(int) slot] = Math.max(0, next[(int) slot] - amount);
        return new SlidingWindow(window, h, next);
    }

    /**
     * The larger count of the two copies in every bucket at {@code now}: two copies of one counter that
     * were both written during a split share their history, so neither copy's calls are forgotten and a
     * stale copy never empties a full one. (Calls both sides admitted in the same bucket are counted
     * once, the larger side's; both sides refuse writes without a majority, so that is rare.)
     */
    public SlidingWindow atLeast(SlidingWindow other, long now) {
        if (other.window != window) {
            throw new IllegalArgumentException("cannot merge a " + other.window + " counter into a " + window + " one");
        }
        long h = Math.max(headAt(now), other.headAt(now));
        long[] next = slotsAt(h);
        long[] theirs = other.slotsAt(h);
        for (int i = 0; i < SLOTS; i++) {
            next[i] = Math.max(next[i], theirs[i]);
        }
        return new SlidingWindow(window, h, next);
    }

    /** When the oldest counted unit leaves the window (the next moment {@link #used} can fall). */
    public long nextReleaseAt(long now) {
        long release = oldestCountedRelease(now);
        return release < 0 ? now : release;
    }

    /**
     * What {@link #nextReleaseAt} of {@code plus(now, amount)} would answer, without building that counter: the
     * release time of the oldest bucket still counted at {@code now}, the new one included when {@code amount > 0}.
     */
    public long nextReleaseAtAfterAdding(long now, long amount) {
        if (amount <= 0) {
            return nextReleaseAt(now);
        }
        long release = oldestCountedRelease(now);
        return release < 0 ? releaseTime(headAt(now), SUB_BUCKETS) : release;
    }

    /** The release time of the oldest bucket still counted at {@code now}, or -1 when none is. */
    private long oldestCountedRelease(long now) {
        long h = headAt(now);
        long shift = h - head;
        for (int i = 0; i < span.length; i++) {
            long slot = first + i - shift;
            if (slot >= 0 && span[i] > 0) {
                return releaseTime(h, (int) slot);
            }
        }
        return -1;
    }

    /**
     * The earliest time at or after {@code now} at which {@code cost} more units fit under
     * {@code max}, if nothing else is admitted meanwhile; {@link Long#MAX_VALUE} when they never fit.
     */
    public long earliestFit(long now, long cost, long max) {
        if (cost > max) {
            return Long.MAX_VALUE;
        }
        long used = used(now);
        if (used + cost <= max) {
            return now;
        }
        long h = headAt(now);
        long shift = h - head;
        long freed = 0;
        for (int i = 0; i < span.length; i++) {
            long slot = first + i - shift;
            if (slot < 0) {
                continue;
            }
            freed += span[i];
            if (used - freed + cost <= max) {
                return releaseTime(h, (int) slot);
            }
        }
        return releaseTime(h, SUB_BUCKETS);
    }

    /** Bucket {@code head - SUB_BUCKETS + slot} stops overlapping the window at this instant. */
    private long releaseTime(long headBucket, int slot) {
        return (headBucket + slot + 1) * bucketMillis(window);
    }

    /** This counter advanced so that its newest bucket holds {@code now}; a clock behind the head changes nothing. */
    SlidingWindow at(long now) {
        long h = headAt(now);
        return h == head ? this : new SlidingWindow(window, h, slotsAt(h));
    }

    /** The newest bucket at {@code now}: the head only moves forward. */
    private long headAt(long now) {
        return Math.max(head, Math.floorDiv(now, bucketMillis(window)));
    }

    /** All {@value #SLOTS} slots as a counter whose head is {@code h} (at or after this one's) sees them; a new array. */
    private long[] slotsAt(long h) {
        long shift = h - head;
        long[] next = new long[SLOTS];
        for (int i = 0; i < span.length; i++) {
            long slot = first + i - shift;
            if (slot >= 0) {
                next[(int) slot] = span[i];
            }
        }
        return next;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlidingWindow other
                && window == other.window && head == other.head && first == other.first && Arrays.equals(span, other.span);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * window.hashCode() + Long.hashCode(head)) + first) + Arrays.hashCode(span);
    }

    @Override
    public String toString() {
        return "SlidingWindow[" + window + ", head=" + head + ", counts=" + Arrays.toString(counts()) + "]";
    }
}
