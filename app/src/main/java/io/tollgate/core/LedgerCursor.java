package io.tollgate.core;

import java.util.HashMap;
import java.util.Map;

/**
 * What the ledger remembers per {@code (user, epoch)}: the last batch it applied, by seq and content.
 *
 * <p>A batch with a higher seq is new and applied whole. A batch with a lower seq is old and ignored.
 * A batch with the same seq is a re-send, or the same batch as made by another copy of the entry
 * (see {@link UsageBook}): of two such copies one is always a superset of the other, so the ledger
 * adds only what the arriving one has beyond what was applied, meter by meter, and remembers the
 * larger content. A plain re-send adds nothing. Pure: the repository loads and stores the cursor.
 *
 * @param lastSeq    the last applied seq, -1 for none
 * @param lastDeltas the content applied for {@code lastSeq} (the larger, for two copies)
 */
public record LedgerCursor(long lastSeq, Map<UsageKey, Totals> lastDeltas) {
    public static final LedgerCursor NONE = new LedgerCursor(-1, Map.of());

    public LedgerCursor {
        lastDeltas = Map.copyOf(lastDeltas);
    }

    /** @param toAdd what to add to the ledger's rows (empty: nothing) */
    public record Step(Map<UsageKey, Totals> toAdd, LedgerCursor next) {
        public boolean changed(LedgerCursor before) {
            return !next.equals(before);
        }
    }

    /**
     * True when the ledger holds everything of {@code batch}: an older seq (a copy's batch never runs
     * ahead of what it confirmed, so an older one is contained), or the same seq with no meter above
     * what was applied. A copy may forget its batch only then: the confirmation of another copy's,
     * smaller, batch with the same name must not make it drop usage the ledger does not have.
     */
    public boolean covers(LedgerBatch batch) {
        if (batch.seq() != lastSeq) {
            return batch.seq() < lastSeq;
        }
        if (contentUnknown()) {
            return true;
        }
        for (Map.Entry<UsageKey, Totals> e : batch.deltas().entrySet()) {
            Totals had = lastDeltas.getOrDefault(e.getKey(), Totals.ZERO);
            Totals t = e.getValue();
            if (t.requests() > had.requests() || t.bytes() > had.bytes() || t.computeMs() > had.computeMs()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A cursor written before the ledger kept batch content (V3 migration: '[]'). Batches are never
     * empty, so an applied seq without content means "applied, content not recorded": a re-send of it
     * adds nothing, as before the migration.
     */
    private boolean contentUnknown() {
        return lastSeq >= 0 && lastDeltas.isEmpty();
    }

    public Step apply(LedgerBatch batch) {
        if (batch.seq() > lastSeq) {
            return new Step(batch.deltas(), new LedgerCursor(batch.seq(), batch.deltas()));
        }
        if (batch.seq() < lastSeq || contentUnknown()) {
            return new Step(Map.of(), this);
        }
        Map<UsageKey, Totals> toAdd = new HashMap<>();
        Map<UsageKey, Totals> larger = new HashMap<>(lastDeltas);
        for (Map.Entry<UsageKey, Totals> e : batch.deltas().entrySet()) {
            Totals had = lastDeltas.getOrDefault(e.getKey(), Totals.ZERO);
            Totals now = e.getValue();
            Totals beyond = new Totals(Math.max(0, now.requests() - had.requests()),
                    Math.max(0, now.bytes() - had.bytes()), Math.max(0, now.computeMs() - had.computeMs()));
            if (!beyond.isZero()) {
                toAdd.put(e.getKey(), beyond);
                larger.put(e.getKey(), had.plus(beyond));
            }
        }
        return new Step(toAdd, toAdd.isEmpty() ? this : new LedgerCursor(lastSeq, larger));
    }
}
