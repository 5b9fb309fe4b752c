package io.tollgate.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's quota usage as the cluster sees it, and what of it the ledger has not confirmed yet.
 *
 * <p>Design note. {@code base} is what the ledger holds for the current period (known after the
 * entry was loaded from the ledger or after a confirmed flush). Usage counted since then sits in
 * {@code pending}; a flush moves pending into a batch named {@code (epoch, seq)} at the end of
 * {@code unconfirmed}, writes the first unconfirmed batch to the ledger idempotently, and confirms it
 * here with the ledger's new total. Until it is confirmed the same batch is handed out again, so a
 * crashed or duplicated flush re-sends the same {@code (epoch, seq)}, which the ledger ignores.
 *
 * <p>Divergent copies. A partition, a frozen owner or a lost backup acknowledgement can leave two
 * copies of the entry that both count calls, starting from the same state. Two rules keep the ledger
 * exact: (1) {@code writer} names the member that last wrote this copy; a copy written by a new
 * member is <em>claimed</em>: its pending usage is sealed into one more batch of the old epoch and it
 * continues under a fresh epoch, so it never names its own new usage like the old writer's batches.
 * The old writer, not knowing, goes on under the old epoch, whose batches then always contain the
 * sealed batch's usage: for the same {@code (epoch, seq)}, one copy's batch is a superset of the
 * other's, and the ledger keeps the larger ({@link LedgerCursor}). (2) When two copies meet again at
 * a split-brain merge, the kept copy {@linkplain #absorb absorbs} the other's unconfirmed batches and
 * pending usage, so what the other side counted reaches the ledger too.
 */
public record UsageBook(String epoch, String writer, long periodStart, long periodEnd, Totals base, boolean baseKnown,
                        Map<UsageKey, Totals> pending, List<LedgerBatch> unconfirmed, long nextSeq,
                        long oldestUnflushedAt) {

    public UsageBook {
        pending = Map.copyOf(pending);
        unconfirmed = List.copyOf(unconfirmed);
    }

    /** A fresh book in {@code period}; {@code base} is the ledger's total for it, or null when unknown. */
    public static UsageBook start(String epoch, BillingPeriod period, Totals base) {
        return new UsageBook(epoch, "", period.start().toEpochMilli(), period.end().toEpochMilli(),
                base != null ? base : Totals.ZERO, base != null, Map.of(), List.of(), 0, 0);
    }

    /** The book moved to {@code period}: a new period starts from zero in the ledger. */
    public UsageBook in(BillingPeriod period) {
        long start = period.start().toEpochMilli();
        if (start == periodStart) {
            return this;
        }
        return new UsageBook(epoch, writer, start, period.end().toEpochMilli(), Totals.ZERO, true, pending, unconfirmed,
                nextSeq, oldestUnflushedAt);
    }

    /**
     * This book as {@code member} writes it. A book last written by another member is sealed: its
     * pending usage becomes a batch of the old epoch, and counting goes on under {@code freshEpoch}.
     */
    public UsageBook claimedBy(String member, String freshEpoch) {
        if (member.equals(writer)) {
            return this;
        }
        // Also for a never-written copy (new, or loaded from the ledger): its backup may be claimed too.
        return new UsageBook(freshEpoch, member, periodStart, periodEnd, base, baseKnown, Map.of(), sealed(),
                0, oldestUnflushedAt);
    }

    /**
     * This book after a split-brain merge with {@code other}, the copy the other side kept: the other's
     * unconfirmed batches and its pending usage (sealed under its epoch) join this book's, and this
     * book seals its own pending and goes on under {@code freshEpoch}. Batches both copies hold are
     * sent twice; the ledger applies each {@code (epoch, seq)} once, keeping the larger content.
     */
    public UsageBook absorb(UsageBook other, String freshEpoch) {
        List<LedgerBatch> batches = new ArrayList<>(sealed());
        batches.addAll(other.sealed());
        long oldest = oldestUnflushedAt == 0 ? other.oldestUnflushedAt
                : other.oldestUnflushedAt == 0 ? oldestUnflushedAt : Math.min(oldestUnflushedAt, other.oldestUnflushedAt);
        return new UsageBook(freshEpoch, writer, periodStart, periodEnd, base, baseKnown, Map.of(), batches, 0,
                batches.isEmpty() ? 0 : oldest);
    }

    /**
     * True when both copies come from one history: the same epoch and writer, so no other member has claimed
     * either since they parted (a claim starts a new epoch). One is then an earlier state of the other: a
     * backup that stopped receiving updates, or a frozen primary.
     */
    public boolean sameHistory(UsageBook other) {
        return epoch.equals(other.epoch) && writer.equals(other.writer) && periodStart == other.periodStart;
    }

    /**
     * This book after a merge with an earlier state of itself: everything the earlier one holds is here
     * already, cancels included, so nothing of it joins; this book seals its pending and goes on under
     * {@code freshEpoch}, as {@link #absorb} does.
     */
    public UsageBook afterMergeWithEarlierState(String freshEpoch) {
        List<LedgerBatch> batches = sealed();
        return new UsageBook(freshEpoch, writer, periodStart, periodEnd, base, baseKnown, Map.of(), batches, 0,
                batches.isEmpty() ? 0 : oldestUnflushedAt);
    }

    /** The unconfirmed batches with pending usage appended as one more batch of this epoch. */
    private List<LedgerBatch> sealed() {
        if (pending.isEmpty()) {
            return unconfirmed;
        }
        List<LedgerBatch> out = new ArrayList<>(unconfirmed);
        out.add(new LedgerBatch(null, epoch, nextSeq, periodStart, periodEnd, pending));
        return out;
    }

    /** The batch the flusher writes next, or null. */
    public LedgerBatch inflight() {
        return unconfirmed.isEmpty() ? null : unconfirmed.get(0);
    }

    /** Everything used in the current period: confirmed, unconfirmed and pending. */
    public Totals used() {
        Totals used = base;
        for (Map.Entry<UsageKey, Totals> e : pending.entrySet()) {
            if (e.getKey().periodStart() == periodStart) {
                used = used.plus(e.getValue());
            }
        }
        for (Map<UsageKey, Totals> deltas : unconfirmedContent()) {
            for (Map.Entry<UsageKey, Totals> e : deltas.entrySet()) {
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
        for (Map<UsageKey, Totals> deltas : unconfirmedContent()) {
            deltas.forEach((k, v) -> {
                if (k.periodStart() == periodStart) {
                    out.merge(k.apiId(), v, Totals::plus);
                }
            });
        }
        return out;
    }

    /**
     * The content of the unconfirmed batches as the ledger will count it: after a merge two copies of
     * one {@code (epoch, seq)} may both be here, and the ledger keeps the larger ({@link LedgerCursor}).
     */
    private java.util.Collection<Map<UsageKey, Totals>> unconfirmedContent() {
        if (unconfirmed.size() < 2) {
            return unconfirmed.isEmpty() ? List.of() : List.of(unconfirmed.get(0).deltas());
        }
        Map<String, Map<UsageKey, Totals>> byName = new java.util.LinkedHashMap<>();
        for (LedgerBatch b : unconfirmed) {
            byName.merge(b.epoch() + '\n' + b.seq(), b.deltas(), UsageBook::larger);
        }
        return byName.values();
    }

    private static Map<UsageKey, Totals> larger(Map<UsageKey, Totals> a, Map<UsageKey, Totals> b) {
        Map<UsageKey, Totals> out = new HashMap<>(a);
        b.forEach((k, t) -> out.merge(k, t, (x, y) -> new Totals(Math.max(x.requests(), y.requests()),
                Math.max(x.bytes(), y.bytes()), Math.max(x.computeMs(), y.computeMs()))));
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
        return new UsageBook(epoch, writer, periodStart, periodEnd, base, baseKnown, next, unconfirmed, nextSeq, oldest);
    }

    public boolean hasUnflushed() {
        return !unconfirmed.isEmpty() || !pending.isEmpty();
    }

    /** Units of the REQUESTS meter not yet confirmed by the ledger (all periods). */
    public long unflushedRequests() {
        long n = 0;
        for (Totals t : pending.values()) {
            n += t.requests();
        }
        for (Map<UsageKey, Totals> deltas : unconfirmedContent()) {
            for (Totals t : deltas.values()) {
                n += t.requests();
            }
        }
        return n;
    }

    /**
     * The batch to write now, named for {@code userId}: the first unconfirmed one again, or pending
     * usage as a new one; null when there is nothing.
     */
    public Prepared prepare(String userId) {
        if (!unconfirmed.isEmpty()) {
            return new Prepared(unconfirmed.get(0).forUser(userId), this);
        }
        if (pending.isEmpty()) {
            return new Prepared(null, this);
        }
        LedgerBatch batch = new LedgerBatch(userId, epoch, nextSeq, periodStart, periodEnd, pending);
        return new Prepared(batch, new UsageBook(epoch, writer, periodStart, periodEnd, base, baseKnown, Map.of(),
                List.of(batch), nextSeq + 1, oldestUnflushedAt));
    }

    public record Prepared(LedgerBatch batch, UsageBook book) {
    }

    /**
     * The ledger's cursor for {@code batchEpoch} after a write, and its total for
     * {@code ledgerPeriodStart}: the first unconfirmed batch is done if the ledger holds all of it
     * ({@link LedgerCursor#covers}). Anything else changes nothing: the batch is sent again.
     */
    public UsageBook confirm(String batchEpoch, LedgerCursor ledger, long ledgerPeriodStart, Totals ledgerTotal, long now) {
        LedgerBatch first = inflight();
        if (first == null || !first.epoch().equals(batchEpoch) || !ledger.covers(first)) {
            return this;
        }
        List<LedgerBatch> rest = unconfirmed.subList(1, unconfirmed.size());
        boolean samePeriod = ledgerPeriodStart == periodStart;
        Totals newBase = samePeriod ? ledgerTotal : base;
        long oldest = pending.isEmpty() && rest.isEmpty() ? 0 : now;
        return new UsageBook(epoch, writer, periodStart, periodEnd, newBase, baseKnown || samePeriod, pending, rest,
                nextSeq, oldest);
    }

    /**
     * True when quota decisions in {@code period} need the ledger's total first: the book does not know
     * it, and nothing of this book is unconfirmed, so a total read now is consistent with it (pending
     * usage is never in the ledger).
     */
    public boolean needsBase(BillingPeriod period) {
        // A book moving to a new period knows its base: the new period starts from zero.
        return !baseKnown && unconfirmed.isEmpty() && period.start().toEpochMilli() == periodStart;
    }

    /** This book with {@code ledger}'s total, when it is for this book's period and the book {@linkplain #needsBase needs it}. */
    public UsageBook withBase(LedgerBase ledger) {
        if (baseKnown || !ledger.known() || ledger.periodStart() != periodStart || !unconfirmed.isEmpty()) {
            return this;
        }
        return new UsageBook(epoch, writer, periodStart, periodEnd, ledger.total(), true, pending, unconfirmed, nextSeq,
                oldestUnflushedAt);
    }
}
