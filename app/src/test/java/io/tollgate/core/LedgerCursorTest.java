package io.tollgate.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's per-(user, epoch) rule for re-sent and second copies of a batch. */
class LedgerCursorTest {
    private static final UsageKey KEY = new UsageKey(0, "api");

    private static LedgerBatch batch(long seq, long requests) {
        return new LedgerBatch("u", "e", seq, 0, 1, Map.of(KEY, new Totals(requests, 0, 0)));
    }

    @Test
    void aLargerSecondCopyAddsItsDifferenceAndASmallerOneNothing() {
        LedgerCursor.Step first = LedgerCursor.NONE.apply(batch(0, 5));
        LedgerCursor.Step larger = first.next().apply(batch(0, 8));
        LedgerCursor.Step smaller = larger.next().apply(batch(0, 6));
        assertThat(first.toAdd()).containsEntry(KEY, new Totals(5, 0, 0));
        assertThat(larger.toAdd()).containsEntry(KEY, new Totals(3, 0, 0));
        assertThat(smaller.toAdd()).isEmpty();
        assertThat(smaller.next().covers(batch(0, 8))).isTrue();
        assertThat(smaller.next().covers(batch(0, 9))).isFalse();
    }

    @Test
    void aCursorWrittenBeforeTheContentWasKeptTreatsAResendAsApplied() {
        LedgerCursor migrated = new LedgerCursor(4, Map.of());
        assertThat(migrated.apply(batch(4, 7)).toAdd()).isEmpty();
        assertThat(migrated.covers(batch(4, 7))).isTrue();
        assertThat(migrated.apply(batch(5, 2)).toAdd()).containsEntry(KEY, new Totals(2, 0, 0));
    }
}
