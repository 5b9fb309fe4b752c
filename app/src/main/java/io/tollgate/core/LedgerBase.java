package io.tollgate.core;

/**
 * What the ledger held for a user's billing period when the caller read it, handed to an entry that
 * has no confirmed base of its own (a new or expired entry, or one that started while the ledger was
 * down). Read by the caller, never on the key's partition thread: a slow database then delays one
 * caller, not every key of the partition.
 */
public record LedgerBase(long periodStart, Totals total) {
    /** The ledger could not be read: the entry counts on with an unknown base, filled in by its next confirmed flush. */
    public static final LedgerBase UNKNOWN = new LedgerBase(Long.MIN_VALUE, null);

    public static LedgerBase of(BillingPeriod period, Totals total) {
        return new LedgerBase(period.start().toEpochMilli(), total);
    }

    public boolean known() {
        return total != null;
    }
}
