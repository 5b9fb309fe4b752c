package io.tollgate.ledger;

import io.tollgate.core.BillingPeriod;
import io.tollgate.core.LedgerBase;
import io.tollgate.db.ReadBackOff;

/**
 * Reads what the ledger holds for a user's billing period, for an entry that needs its base (see
 * {@link io.tollgate.cluster.UserProcessor}): on a user's first call to the cluster, after a full
 * restart, or when an expired entry is used again. When PostgreSQL cannot be read it answers
 * {@link LedgerBase#UNKNOWN} (at once, for a few seconds after a failure: {@link ReadBackOff}); the
 * entry then counts on, and its next confirmed flush fills the base in.
 */
public final class LedgerBases {
    private final LedgerRepository ledger;
    private final ReadBackOff backOff;

    public LedgerBases(LedgerRepository ledger, ReadBackOff backOff) {
        this.ledger = ledger;
        this.backOff = backOff;
    }

    public LedgerBase read(String userId, BillingPeriod period) {
        // Adjustments included, as in the totals a confirmed flush brings.
        return backOff.read("ledger base of " + userId,
                () -> LedgerBase.of(period, ledger.total(userId, period.start().toEpochMilli())),
                () -> LedgerBase.UNKNOWN);
    }
}
