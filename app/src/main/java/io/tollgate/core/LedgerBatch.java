package io.tollgate.core;

import java.util.Map;

/**
 * Usage handed to the ledger in one idempotent write: {@code (epoch, seq)} identifies it, so the
 * ledger applies it at most once however often it is re-sent.
 */
public record LedgerBatch(String userId, String epoch, long seq, Map<UsageKey, Totals> deltas) {
    public LedgerBatch {
        deltas = Map.copyOf(deltas);
    }
}
