package io.tollgate.cluster;

import com.hazelcast.core.HazelcastInstance;

import java.util.function.DoubleSupplier;

/**
 * Whether this member may create entries for users it has never seen, given how full its heap is.
 *
 * <p>Why: a user's entry lives as long as its longest window (a day with the tiers' limits), so a
 * stream of distinct users (a scan, a caller's bug, an attack) adds entries faster than they expire,
 * and a member out of heap stops answering everyone. While the heap in use after the latest garbage
 * collection ({@link HeapAfterGc}) is at or above the ceiling ({@code tollgate.memory.ceiling}), the
 * owner refuses acquires that would create an entry: they are answered "shed" (503, whatever the
 * failure policy: admitting them open would create the very entries that do not fit), and the users
 * it already counts keep being served. Cancels and forced acquires still create entries: billing needs them.
 * A usage report for a user without an entry is shed too (its call was admitted elsewhere long ago, or never),
 * and no new first answer is kept in the idempotency map while the valve is shut. Found in a member's
 * {@linkplain HazelcastInstance#getUserContext user context}.
 */
public final class MemoryValve {
    static final String CONTEXT_KEY = "tollgate.memory-valve";

    private final double ceiling;
    private final DoubleSupplier heapShare;

    public MemoryValve(double ceiling, DoubleSupplier heapShare) {
        this.ceiling = ceiling;
        this.heapShare = heapShare;
    }

    /** The valve of member {@code hz}; one that always admits when the member has none (a test's own config). */
    public static MemoryValve of(HazelcastInstance hz) {
        Object valve = hz.getUserContext().get(CONTEXT_KEY);
        return valve instanceof MemoryValve v ? v : new MemoryValve(1, () -> 0);
    }

    public boolean admitsNewEntries() {
        return heapShare.getAsDouble() < ceiling;
    }

    /** False when {@code entry} does not exist yet and this member has no room for new ones. */
    public boolean hasRoomFor(java.util.Map.Entry<?, ?> entry) {
        return entry.getValue() != null || admitsNewEntries();
    }

    /** Share of the maximum heap in use after the latest collection (for metrics and health). */
    public double heapShare() {
        return heapShare.getAsDouble();
    }

    public double ceiling() {
        return ceiling;
    }
}
