package io.tollgate.ledger;

import io.tollgate.core.BillingPeriod;
import io.tollgate.core.LedgerBase;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads what the ledger holds for a user's billing period, for an entry that needs its base (see
 * {@link io.tollgate.cluster.UserProcessor}): on a user's first call to the cluster, after a full
 * restart, or when an expired entry is used again. When PostgreSQL has just failed it answers
 * {@link LedgerBase#UNKNOWN} at once for a few seconds instead of making every new user's caller
 * wait for a connection: the entry then counts on, and its next confirmed flush fills the base in.
 */
public final class LedgerBases {
    private static final Logger LOG = Logger.getLogger(LedgerBases.class.getName());
    private static final long BACK_OFF_MILLIS = 5_000;

    private final LedgerRepository ledger;
    private volatile long unavailableUntil;

    public LedgerBases(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    public LedgerBase read(String userId, BillingPeriod period) {
        if (System.currentTimeMillis() < unavailableUntil) {
            return LedgerBase.UNKNOWN;
        }
        try {
            // Adjustments included, as in the totals a confirmed flush brings.
            return LedgerBase.of(period, ledger.total(userId, period.start().toEpochMilli()));
        } catch (RuntimeException e) {
            unavailableUntil = System.currentTimeMillis() + BACK_OFF_MILLIS;
            LOG.log(Level.WARNING, "ledger unavailable while reading " + userId
                    + "'s base; new entries count on with an unknown base, filled in by their next confirmed flush", e);
            return LedgerBase.UNKNOWN;
        }
    }
}
