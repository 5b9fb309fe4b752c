package io.tollgate.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two copies of one user's entry counting on both sides of a split (a partition, a frozen owner):
 * whatever each side counts, flushes and confirms, in any interleaving, and whichever side is kept at
 * the merge, the ledger ends with exactly the usage counted before the split plus what each side
 * counted after it. The ledger here is {@link LedgerCursor} per epoch, the rule the repository runs.
 */
class DivergentCopiesProperties {
    private static final BillingPeriod PERIOD = BillingCycle.utcCalendarMonth()
            .periodAt(Instant.parse("2026-11-28T10:00:00Z"));

    /**
     * One side's step: 0 count a call; 1 and 2 flush (prepare, write, confirm); 3 flush and lose the
     * confirmation; 4 flush with the confirmation delivered to the other copy (it goes to whichever
     * copy the key's owner holds by then); 5 prepare, but the database write fails.
     */
    record Action(boolean sideA, int kind, int units) {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 5)).as(Action::new).list().ofMaxSize(40);
    }

    /** The ledger: a cursor per epoch and the running total (one API, one period). */
    static final class Ledger {
        final Map<String, LedgerCursor> cursors = new HashMap<>();
        long total;

        /** Applies the batch; returns the cursor of its epoch after. */
        LedgerCursor apply(LedgerBatch b) {
            LedgerCursor.Step step = cursors.getOrDefault(b.epoch(), LedgerCursor.NONE).apply(b);
            cursors.put(b.epoch(), step.next());
            step.toAdd().values().forEach(t -> total += t.requests());
            return step.next();
        }
    }

    /** One copy of the entry's usage book, as one member sees it. */
    static final class Copy {
        UsageBook book;
        final String member;
        int epochs;

        Copy(UsageBook book, String member) {
            this.book = book;
            this.member = member;
        }

        void write(long units) {
            book = book.claimedBy(member, member + "-epoch-" + epochs++).record("api", new Totals(units, 0, 0), 1);
        }

        LedgerBatch prepare() {
            UsageBook.Prepared p = book.claimedBy(member, member + "-epoch-" + epochs++).prepare("u");
            book = p.book();
            return p.batch();
        }

        /** @param confirmTo the copy the confirmation reaches, or null when it is lost */
        void flush(Ledger ledger, Copy confirmTo) {
            LedgerBatch b = prepare();
            if (b != null) {
                LedgerCursor cursor = ledger.apply(b);
                if (confirmTo != null) {
                    confirmTo.book = confirmTo.book.confirm(b.epoch(), cursor, PERIOD.start().toEpochMilli(),
                            new Totals(ledger.total, 0, 0), 1);
                }
            }
        }

        void drain(Ledger ledger) {
            for (int i = 0; i < 100 && book.hasUnflushed(); i++) {
                flush(ledger, this);
            }
            assertThat(book.hasUnflushed()).isFalse();
        }
    }

    @Property(tries = 1000)
    void theLedgerHoldsThePrefixAndWhatEachSideCountedExactlyOnce(@ForAll("actions") List<Action> before,
                                                                  @ForAll("actions") List<Action> after,
                                                                  @ForAll boolean keepA) {
        Ledger ledger = new Ledger();
        Copy a = new Copy(UsageBook.start("e0", PERIOD, Totals.ZERO), "A");
        long counted = 0;
        for (Action x : before) {
            counted += run(x, a, a, ledger);
        }
        // The split: B holds A's last state (a sync backup) and is promoted; A goes on, not knowing.
        Copy b = new Copy(a.book, "B");
        for (Action x : after) {
            counted += run(x, x.sideA() ? a : b, x.sideA() ? b : a, ledger);
        }
        // The merge: one side's entry is kept and absorbs the other's.
        Copy kept = keepA ? a : b;
        Copy other = keepA ? b : a;
        kept.book = kept.book.absorb(other.book, "merged");
        kept.drain(ledger);
        assertThat(ledger.total).isEqualTo(counted);
    }

    @net.jqwik.api.Example
    void aConfirmationOfTheSmallerCopyOfABatchDoesNotMakeTheLargerOneForgetItsUsage() {
        List<Action> before = List.of(new Action(true, 0, 2));
        List<Action> after = List.of(new Action(true, 0, 3), new Action(true, 5, 0), new Action(false, 4, 0));
        theLedgerHoldsThePrefixAndWhatEachSideCountedExactlyOnce(before, after, true);
        theLedgerHoldsThePrefixAndWhatEachSideCountedExactlyOnce(before, after, false);
    }

    /**
     * Why a member fenced after a freeze refuses cancels (FreezeFence.refuseWritesWhileFenced, in the cluster
     * adapter): the rule above holds for usage that only grows. A cancel takes a call back; applied to the
     * copy that no longer owns the entry, the batch it shrinks is the smaller of two under the same name, and
     * the ledger keeps the larger, so the call its caller was told failed stays billed.
     */
    @net.jqwik.api.Example
    void aCancelNetsOutOnTheCopyThatOwnsTheEntryButNotOnTheOneThatLostIt() {
        for (boolean onStaleCopy : new boolean[] {false, true}) {
            Ledger ledger = new Ledger();
            Copy a = new Copy(UsageBook.start("e0", PERIOD, Totals.ZERO), "A");
            a.write(1); // applied just before A froze; its caller's deadline passed
            Copy b = new Copy(a.book, "B"); // the backup, promoted while A is frozen
            (onStaleCopy ? a : b).write(-1); // the caller's owed cancel
            a.drain(ledger); // A resumes and flushes before it learns it lost the entry
            b.drain(ledger);
            assertThat(ledger.total).as(onStaleCopy ? "cancel applied on the stale copy" : "cancel applied on the owner")
                    .isEqualTo(onStaleCopy ? 1 : 0);
        }
    }

    private static long run(Action x, Copy copy, Copy other, Ledger ledger) {
        switch (x.kind()) {
            case 0 -> {
                copy.write(x.units());
                return x.units();
            }
            case 1, 2 -> copy.flush(ledger, copy);
            case 3 -> copy.flush(ledger, null);
            case 4 -> copy.flush(ledger, other);
            default -> copy.prepare();
        }
        return 0;
    }
}
