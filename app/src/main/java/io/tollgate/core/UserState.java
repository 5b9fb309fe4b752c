package io.tollgate.core;

import java.util.HashMap;
import java.util.Map;

/** One user's entry in the cluster: rate counters, quota usage book and recently applied operations. */
public record UserState(Counters counters, UsageBook usage, RecentOps recent) {

    public static UserState fresh(String epoch, BillingPeriod period, Totals ledgerBase) {
        return new UserState(Counters.empty(), UsageBook.start(epoch, period, ledgerBase), RecentOps.empty());
    }

    /** A new entry in {@code period}, starting from what the ledger holds for it (when {@code ledger} knows). */
    public static UserState fresh(String epoch, BillingPeriod period, LedgerBase ledger) {
        boolean samePeriod = ledger.known() && ledger.periodStart() == period.start().toEpochMilli();
        return fresh(epoch, period, samePeriod ? ledger.total() : null);
    }

    /** True when {@code state} (null: no entry) needs the ledger's total for {@code period} before it decides quota. */
    public static boolean needsLedgerBase(UserState state, BillingPeriod period) {
        return state == null || state.usage.needsBase(period);
    }

    public UserState withCounters(Counters c) {
        return new UserState(c, usage, recent);
    }

    public UserState withUsage(UsageBook u) {
        return new UserState(counters, u, recent);
    }

    /** This entry as {@code member} writes it ({@link UsageBook#claimedBy}). */
    public UserState claimedBy(String member, String freshEpoch) {
        UsageBook claimed = usage.claimedBy(member, freshEpoch);
        return claimed == usage ? this : withUsage(claimed);
    }

    /**
     * This entry after a split-brain merge with the other side's copy: the fuller of the two copies'
     * counters in every bucket (Hazelcast may merge a majority into a stale minority's copy when the
     * survivors of a split also lost each other), the other's unflushed usage for the ledger and the
     * operation ids of both.
     * A call one side applied and the other cancelled before seeing it (its caller was answered by the
     * failure policy) is taken back from usage.
     */
    public UserState absorb(UserState other, String freshEpoch, long now) {
        UserState later = usage.sameHistory(other.usage) ? later(this, other) : null;
        if (later != null) {
            // One copy is an earlier state of the other: its usage is in the later one already, and sealing
            // it again under a batch name the later one used with less in it (a call taken back since) would
            // make the ledger keep the larger and bill the cancelled call.
            return new UserState(counters.atLeast(other.counters, now), later.usage.afterMergeWithEarlierState(freshEpoch),
                    recent.union(other.recent));
        }
        UsageBook merged = usage.absorb(other.usage, freshEpoch);
        Map<Long, RecentOps.Cancelled> undo = new HashMap<>(recent.appliedIn(other.recent));
        undo.putAll(other.recent.appliedIn(recent));
        for (RecentOps.Cancelled c : undo.values()) {
            merged = merged.record(c.apiId(), new Totals(-c.cost(), 0, 0), now);
        }
        return new UserState(counters.atLeast(other.counters, now), merged, recent.union(other.recent));
    }

    /**
     * Of two states of one history, the later: the one that prepared more ledger batches (the count only
     * grows along a history). Null when both prepared as many: then they are absorbed as diverged copies
     * and the ledger keeps the larger of each batch, which can still bill a call cancelled after the earlier
     * state was taken, within that one flush interval. Operation times cannot order them: a copy forgets
     * the ids of answered calls, so the later state may remember fewer.
     */
    private static UserState later(UserState a, UserState b) {
        if (a.usage.nextSeq() == b.usage.nextSeq()) {
            return null;
        }
        return a.usage.nextSeq() > b.usage.nextSeq() ? a : b;
    }

    /** Nothing worth keeping: no counts in any window and nothing the ledger still has to confirm. */
    public boolean isDisposable() {
        return counters.isEmpty() && !usage.hasUnflushed() && recent.size() == 0;
    }
}
