package io.tollgate.core;

import java.util.Map;

/**
 * Usage handed to the ledger in one idempotent write: {@code (epoch, seq)} identifies it, so the
 * ledger applies it at most once however often it is re-sent. {@code periodStart}/{@code periodEnd}
 * are the user's current billing period when the batch was made.
 */
public record LedgerBatch(String userId, String epoch, long seq, long periodStart, long periodEnd,
                          Map<UsageKey, Totals> deltas) {
    public LedgerBatch {
        deltas = Map.copyOf(deltas);
    }
}
