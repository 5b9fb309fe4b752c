package io.tollgate.core;

import java.util.HashMap;
import java.util.Map;

/**
 * A user's quota usage as the cluster sees it, and what of it the ledger has not confirmed yet.
 *
 * <p>Design note. {@code base} is what the ledger holds for the current period (known after the
 * entry was loaded from the ledger or after a confirmed flush). Usage counted since then sits in
 * {@code pending}; a flush moves pending into one {@code inflight} batch named {@code (epoch, seq)},
 * writes it to the ledger idempotently, and confirms it here with the ledger's new total. Until it
 * is confirmed the same batch is handed out again, so a crashed or duplicated flush re-sends the
 * same {@code seq}, which the ledger ignores. {@code epoch} names this incarnation of the entry: if
 * every copy of the entry is lost, the new one starts a new epoch with seq 0.
 */
public record UsageBook(String epoch, long periodStart, long periodEnd, Totals base, boolean baseKnown,
                        Map<UsageKey, Totals> pending, LedgerBatch inflight, long nextSeq,
                        long oldestUnflushedAt) {

    public UsageBook {
        pending = Map.copyOf(pending);
    }

    /** A fresh book in {@code period}; {@code base} is the ledger's total for it, or null when unknown. */
    public static UsageBook start(String epoch, BillingPeriod period, Totals base) {
        return new UsageBook(epoch, period.start().toEpochMilli(), period.end().toEpochMilli(),
                base != null ? base : Totals.ZERO, base != null, Map.of(), null, 0, 0);
    }

    /** The book moved to {@code period}: a new period starts from zero in the ledger. */
    public UsageBook in(BillingPeriod period) {
        long start = period.start().toEpochMilli();
        if (start == periodStart) {
            return this;
        }
        return new UsageBook(epoch, start, period.end().toEpochMilli(), Totals.ZERO, true, pending, inflight,
                nextSeq, oldestUnflushedAt);
    }

    /** Everything used in the current period: confirmed, in flight and pending. */
    public Totals used() {
        Totals used = base;
        for (Map.Entry<UsageKey, Totals> e : pending.entrySet()) {
            if (e.getKey().periodStart() == periodStart) {
                used = used.plus(e.getValue());
            }
        }
        if (inflight != null) {
            for (Map.Entry<UsageKey, Totals> e : inflight.deltas().entrySet()) {
                if (e.getKey().periodStart() == periodStart) {
                    used = used.plus(e.getValue());
                }
            }
        }
        return used;
    }

    /** Usage per API in the current period that the ledger has not confirmed yet. */
    public Map<String, Totals> unconfirmedByApi() {
        Map<String, Totals> out = new HashMap<>();
        pending.forEach((k, v) -> {
            if (k.periodStart() == periodStart) {
                out.merge(k.apiId(), v, Totals::plus);
            }
        });
        if (inflight != null) {
            inflight.deltas().forEach((k, v) -> {
                if (k.periodStart() == periodStart) {
                    out.merge(k.apiId(), v, Totals::plus);
                }
            });
        }
        return out;
    }

    public UsageBook record(String apiId, Totals delta, long now) {
        if (delta.isZero()) {
            return this;
        }
        Map<UsageKey, Totals> next = new HashMap<>(pending);
        next.merge(new UsageKey(periodStart, apiId), delta, Totals::plus);
        next.values().removeIf(Totals::isZero);
        long oldest = oldestUnflushedAt == 0 ? now : oldestUnflushedAt;
        return new UsageBook(epoch, periodStart, periodEnd, base, baseKnown, next, inflight, nextSeq, oldest);
    }

    public boolean hasUnflushed() {
        return inflight != null || !pending.isEmpty();
    }

    /** Units of the REQUESTS meter not yet confirmed by the ledger (all periods). */
    public long unflushedRequests() {
        long n = 0;
        for (Totals t : pending.values()) {
            n += t.requests();
        }
        if (inflight != null) {
            for (Totals t : inflight.deltas().values()) {
                n += t.requests();
            }
        }
        return n;
    }

    /** The batch to write now: the unconfirmed one again, or pending usage as a new one; null when there is nothing. */
    public Prepared prepare(String userId) {
        if (inflight != null) {
            return new Prepared(inflight, this);
        }
        if (pending.isEmpty()) {
            return new Prepared(null, this);
        }
        LedgerBatch batch = new LedgerBatch(userId, epoch, nextSeq, periodStart, periodEnd, pending);
        return new Prepared(batch, new UsageBook(epoch, periodStart, periodEnd, base, baseKnown, Map.of(), batch,
                nextSeq + 1, oldestUnflushedAt));
    }

    public record Prepared(LedgerBatch batch, UsageBook book) {
    }

    /**
     * The ledger confirmed batch {@code seq}; {@code ledgerTotal} is its total for {@code ledgerPeriodStart}
     * after the write. A confirmation of any other batch changes nothing.
     */
    public UsageBook confirm(long seq, long ledgerPeriodStart, Totals ledgerTotal, long now) {
        if (inflight == null || inflight.seq() != seq) {
            return this;
        }
        boolean samePeriod = ledgerPeriodStart == periodStart;
        Totals newBase = samePeriod ? ledgerTotal : base;
        long oldest = pending.isEmpty() ? 0 : now;
        return new UsageBook(epoch, periodStart, periodEnd, newBase, baseKnown || samePeriod, pending, null, nextSeq,
                oldest);
    }

    /** The ledger's total for the current period, learned while nothing of it was in flight. */
    public UsageBook withBase(long ledgerPeriodStart, Totals ledgerTotal) {
        if (ledgerPeriodStart != periodStart || inflight != null) {
            return this;
        }
        return new UsageBook(epoch, periodStart, periodEnd, ledgerTotal, true, pending, null, nextSeq,
                oldestUnflushedAt);
    }
}
