package io.tollgate.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A split-brain merge of an entry with an earlier state of itself: a backup that stopped receiving updates (seen
 * when the two survivors of a frozen master lost each other and three one-member clusters merged back), or a
 * frozen primary. The earlier state holds a call the live copy has cancelled since; the ledger must not bill it,
 * whichever copy the merge keeps.
 */
class EarlierStateMergeTest {
    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final BillingPeriod PERIOD = BillingCycle.utcCalendarMonth().periodAt(Instant.ofEpochMilli(T0));
    private static final UserRules.Memory MEMORY = new UserRules.Memory(60_000, 100);
    private static final List<Limit> LIMITS = List.of(new Limit(Scope.USER, Window.MINUTE, 100));
    private static final Quota QUOTA = new Quota(1_000, 1_000, 1_000);

    @Test
    void anEarlierStateAddsNothingOnceTheLiveCopyHasFlushedSinceWhicheverCopyIsKept() {
        for (boolean keepLive : new boolean[] {true, false}) {
            DivergentCopiesProperties.Ledger ledger = new DivergentCopiesProperties.Ledger();
            UserState live = UserState.fresh("e0", PERIOD, Totals.ZERO).claimedBy("m1", "e1");
            for (long op = 1; op <= 3; op++) {
                live = UserRules.acquire(live, acquire(op), T0 + op, MEMORY).state();
            }
            UserState earlier = live; // the backup, cut off from here on
            live = UserRules.cancel(live, acquire(2), T0 + 10, MEMORY).state(); // its caller got the failure policy
            live = live.withUsage(drain(live.usage(), ledger));
            assertThat(ledger.total).isEqualTo(2);

            UserState merged = keepLive ? live.absorb(earlier, "merged", T0 + 20) : earlier.absorb(live, "merged", T0 + 20);
            drain(merged.usage(), ledger);
            assertThat(ledger.total).as(keepLive ? "live copy kept" : "earlier state kept").isEqualTo(2);
        }
    }

    @Test
    void copiesThatBothCountedAfterTheyPartedStillJoinTheirUsage() {
        DivergentCopiesProperties.Ledger ledger = new DivergentCopiesProperties.Ledger();
        UserState base = UserState.fresh("e0", PERIOD, Totals.ZERO).claimedBy("m1", "e1");
        base = UserRules.acquire(base, acquire(1), T0 + 1, MEMORY).state();
        // The other side's new owner claims its copy (a new epoch) and counts a call of its own.
        UserState mine = UserRules.acquire(base, acquire(2), T0 + 2, MEMORY).state();
        UserState theirs = UserRules.acquire(base.claimedBy("m2", "e2"), acquire(3), T0 + 3, MEMORY).state();
        UserState merged = mine.absorb(theirs, "merged", T0 + 20);
        drain(merged.usage(), ledger);
        assertThat(ledger.total).isEqualTo(3);
    }

    private static UserRules.Acquire acquire(long opId) {
        return new UserRules.Acquire(opId, 0, "api", 1, LIMITS, QUOTA, BillingCycle.utcCalendarMonth(), false, Long.MAX_VALUE);
    }

    /** Flushes everything, as the flusher would: prepare, write, confirm. */
    private static UsageBook drain(UsageBook book, DivergentCopiesProperties.Ledger ledger) {
        for (int i = 0; i < 100; i++) {
            UsageBook.Prepared p = book.prepare("u");
            book = p.book();
            if (p.batch() == null) {
                return book;
            }
            LedgerCursor cursor = ledger.apply(p.batch());
            book = book.confirm(p.batch().epoch(), cursor, PERIOD.start().toEpochMilli(), new Totals(ledger.total, 0, 0), T0);
        }
        throw new AssertionError("not drained");
    }
}
