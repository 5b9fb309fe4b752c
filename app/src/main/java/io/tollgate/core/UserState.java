package io.tollgate.core;

/** One user's entry in the cluster: rate counters, quota usage book and recently applied operations. */
public record UserState(Counters counters, UsageBook usage, RecentOps recent) {

    public static UserState fresh(String epoch, BillingPeriod period, Totals ledgerBase) {
        return new UserState(Counters.empty(), UsageBook.start(epoch, period, ledgerBase), RecentOps.empty());
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
     * This entry after a split-brain merge with the other side's copy: this side's counters (the
     * majority's, normally), the other's unflushed usage for the ledger and the operation ids of both.
     */
    public UserState absorb(UserState other, String freshEpoch) {
        return new UserState(counters, usage.absorb(other.usage, freshEpoch), recent.union(other.recent));
    }

    /** Nothing worth keeping: no counts in any window and nothing the ledger still has to confirm. */
    public boolean isDisposable() {
        return counters.isEmpty() && !usage.hasUnflushed() && recent.size() == 0;
    }
}
