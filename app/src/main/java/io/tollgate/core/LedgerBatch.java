package io.tollgate.core;

import java.util.Map;

/**
 * Usage handed to the ledger in one idempotent write: {@code (epoch, seq)} identifies it, so the
 * ledger applies it at most once however often it is re-sent (see {@link LedgerCursor} for two
 * copies of one batch with different content). {@code periodStart}/{@code periodEnd} are the user's
 * current billing period when the batch was made. {@code userId} is null while the batch sits
 * sealed in an entry (the entry's key names the user).
 */
public record LedgerBatch(String userId, String epoch, long seq, long periodStart, long periodEnd,
                          Map<UsageKey, Totals> deltas) {
    public LedgerBatch {
        deltas = Map.copyOf(deltas);
    }

    public LedgerBatch forUser(String user) {
        return user.equals(userId) ? this : new LedgerBatch(user, epoch, seq, periodStart, periodEnd, deltas);
    }
}
