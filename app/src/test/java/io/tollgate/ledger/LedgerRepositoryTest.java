package io.tollgate.ledger;

import io.tollgate.core.LedgerBatch;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageKey;
import io.tollgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch application on a real PostgreSQL: re-sends, supersets and subsets of one (epoch, seq). */
class LedgerRepositoryTest {
    private static final long PERIOD = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
    private static TestDatabase db;
    private static LedgerRepository ledger;

    @BeforeAll
    static void migrate() {
        db = new TestDatabase();
        ledger = new LedgerRepository(db.migratedJdbi(), 3_600_000, 2);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static LedgerBatch batch(String user, String epoch, long seq, long requests, long bytes) {
        return new LedgerBatch(user, epoch, seq, PERIOD, END, Map.of(new UsageKey(PERIOD, "api"), new Totals(requests, bytes, 0)));
    }

    private static long requests(String user) {
        return ledger.total(user, PERIOD).requests();
    }

    @Test
    void aReSentBatchIsAppliedOnce() {
        List<LedgerRepository.Applied> first = ledger.apply(List.of(batch("resend", "e1", 0, 5, 0)), NOW);
        List<LedgerRepository.Applied> again = ledger.apply(List.of(batch("resend", "e1", 0, 5, 0)), NOW);
        assertThat(first.get(0).fresh()).isTrue();
        assertThat(again.get(0).fresh()).isFalse();
        assertThat(again.get(0).periodTotal().requests()).isEqualTo(5);
        assertThat(requests("resend")).isEqualTo(5);
    }

    @Test
    void aLargerCopyOfTheSameBatchAddsOnlyWhatItHasBeyondTheFirst() {
        ledger.apply(List.of(batch("superset", "e1", 3, 5, 100)), NOW);
        ledger.apply(List.of(batch("superset", "e1", 3, 8, 100)), NOW);
        assertThat(ledger.total("superset", PERIOD)).isEqualTo(new Totals(8, 100, 0));
        // The smaller copy arriving afterwards, and an older seq, add nothing.
        ledger.apply(List.of(batch("superset", "e1", 3, 5, 100), batch("superset", "e1", 2, 9, 9)), NOW);
        assertThat(ledger.total("superset", PERIOD)).isEqualTo(new Totals(8, 100, 0));
        ledger.apply(List.of(batch("superset", "e1", 4, 1, 0)), NOW);
        assertThat(requests("superset")).isEqualTo(9);
    }

    @Test
    void concurrentTotalsOfManyUsersAndPeriodsAreEachTheirOwn() throws Exception {
        long previous = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();
        List<LedgerBatch> batches = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batches.add(batch("many-" + i, "e1", 0, i + 1, 10L * i));
            batches.add(new LedgerBatch("many-" + i, "old", 0, previous, PERIOD,
                    Map.of(new UsageKey(previous, "api"), new Totals(100 + i, 0, 0))));
        }
        ledger.apply(batches, NOW);
        List<java.util.concurrent.CompletableFuture<Totals>> current = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Totals>> old = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String user = "many-" + i;
            current.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> ledger.total(user, PERIOD),
                    r -> Thread.ofVirtual().start(r)));
            old.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> ledger.total(user, previous),
                    r -> Thread.ofVirtual().start(r)));
        }
        for (int i = 0; i < 40; i++) {
            assertThat(current.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(new Totals(i + 1, 10L * i, 0));
            assertThat(old.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(new Totals(100 + i, 0, 0));
        }
        assertThat(ledger.total("nobody", PERIOD)).isEqualTo(Totals.ZERO);
    }

    @Test
    void epochsAreIndependentAndOneRoundMayCarryTwoBatchesOfOneUser() {
        ledger.apply(List.of(batch("epochs", "a", 0, 2, 0), batch("epochs", "b", 0, 3, 0)), NOW);
        ledger.apply(List.of(batch("epochs", "a", 0, 2, 0), batch("epochs", "b", 1, 4, 0)), NOW);
        assertThat(requests("epochs")).isEqualTo(9);
    }
}
