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

    /** Nothing worth keeping: no counts in any window and nothing the ledger still has to confirm. */
    public boolean isDisposable() {
        return counters.isEmpty() && !usage.hasUnflushed() && recent.size() == 0;
    }
}
