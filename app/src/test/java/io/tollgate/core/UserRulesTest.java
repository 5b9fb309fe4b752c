package io.tollgate.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The user-entry steps that keep the ledger equal to the answers callers were given. */
class UserRulesTest {
    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final UserRules.Memory MEMORY = new UserRules.Memory(60_000, 100);
    private static final List<Limit> LIMITS = List.of(new Limit(Scope.USER, Window.MINUTE, 10));
    private static final Quota QUOTA = new Quota(5, 1_000, 1_000);

    private static UserState fresh() {
        return UserState.fresh("epoch", BillingCycle.utcCalendarMonth().periodAt(Instant.ofEpochMilli(T0)), Totals.ZERO);
    }

    private static UserRules.Acquire acquire(long opId, long notAfter) {
        return new UserRules.Acquire(opId, 0, "api", 1, LIMITS, QUOTA, BillingCycle.utcCalendarMonth(), false, notAfter);
    }

    @Test
    void anAdmittedCallIsCountedInTheWindowsAndTheUsageBookOnce() {
        UserRules.Step first = UserRules.acquire(fresh(), acquire(1, Long.MAX_VALUE), T0, MEMORY);
        UserRules.Step rerun = UserRules.acquire(first.state(), acquire(1, Long.MAX_VALUE), T0 + 5, MEMORY);
        assertThat(first.decision().allowed()).isTrue();
        assertThat(rerun.replayed()).isTrue();
        assertThat(rerun.decision().allowed()).isTrue();
        assertThat(rerun.state().usage().used().requests()).isEqualTo(1);
        assertThat(RateLimiter.usage(rerun.state().counters(), LIMITS.get(0), "api", T0 + 5).used()).isEqualTo(1);
    }

    @Test
    void anAcquireReachingTheOwnerAfterTheCallersDeadlineIsNotApplied() {
        UserRules.Step late = UserRules.acquire(fresh(), acquire(1, T0 - 1), T0, MEMORY);
        assertThat(late.applied()).isFalse();
        assertThat(late.decision().outcome()).isEqualTo(Outcome.FAILURE_CLOSED);
        assertThat(late.state().usage().used().requests()).isZero();
        UserRules.Step forced = UserRules.acquire(fresh(), acquire(1, T0 - 1).forced(), T0, MEMORY);
        assertThat(forced.applied()).as("fail-open's forced apply has no deadline").isTrue();
    }

    @Test
    void aCancelUndoesAnAppliedCallAndBlocksALateOne() {
        UserRules.Step applied = UserRules.acquire(fresh(), acquire(1, Long.MAX_VALUE), T0, MEMORY);
        UserRules.Step cancelled = UserRules.cancel(applied.state(), acquire(1, Long.MAX_VALUE), T0 + 10, MEMORY);
        assertThat(cancelled.state().usage().used().requests()).isZero();
        assertThat(RateLimiter.usage(cancelled.state().counters(), LIMITS.get(0), "api", T0 + 10).used()).isZero();

        UserRules.Step tombstone = UserRules.cancel(fresh(), acquire(2, Long.MAX_VALUE), T0, MEMORY);
        UserRules.Step late = UserRules.acquire(tombstone.state(), acquire(2, Long.MAX_VALUE), T0 + 10, MEMORY);
        assertThat(late.applied()).isFalse();
        assertThat(late.state().usage().used().requests()).isZero();
    }

    @Test
    void onceAReplayToldACallerAllowedACancelNoLongerTakesTheCallBack() {
        UserRules.Step applied = UserRules.acquire(fresh(), acquire(1, Long.MAX_VALUE), T0, MEMORY);
        UserRules.Step replay = UserRules.acquire(applied.state(), acquire(1, Long.MAX_VALUE), T0 + 5, MEMORY);
        assertThat(replay.decision().allowed()).isTrue();
        UserRules.Step cancel = UserRules.cancel(replay.state(), acquire(1, Long.MAX_VALUE), T0 + 10, MEMORY);
        assertThat(cancel.applied()).isFalse();
        assertThat(cancel.state().usage().used().requests()).isEqualTo(1);
    }

    @Test
    void aReplayReachingTheOwnerAfterItsCallersDeadlineLeavesTheCallCancellable() {
        // Applied before the deadline T0 + 100; the reply was lost with the owner, and Hazelcast's retry of the same
        // invocation reached the promoted backup at T0 + 300, after the caller had answered by the failure policy.
        UserRules.Step applied = UserRules.acquire(fresh(), acquire(1, T0 + 100), T0 + 50, MEMORY);
        UserRules.Step lateReplay = UserRules.acquire(applied.state(), acquire(1, T0 + 100), T0 + 300, MEMORY);
        assertThat(lateReplay.decision().outcome()).isEqualTo(Outcome.FAILURE_CLOSED);
        UserRules.Step owedCancel = UserRules.cancel(lateReplay.state(), acquire(1, T0 + 100), T0 + 400, MEMORY);
        assertThat(owedCancel.state().usage().used().requests()).as("the call its caller refused is not billed").isZero();

        // A retry of the same request_id by a caller still waiting is the one that gets the replay, and keeps it.
        UserRules.Step retry = UserRules.acquire(lateReplay.state(), acquire(1, T0 + 500), T0 + 300, MEMORY);
        assertThat(retry.decision().allowed()).isTrue();
        UserRules.Step cancelAfterRetry = UserRules.cancel(retry.state(), acquire(1, T0 + 100), T0 + 400, MEMORY);
        assertThat(cancelAfterRetry.state().usage().used().requests()).isEqualTo(1);
    }

    @Test
    void aCancelDoesNotTakeBackAnApplyThatCameAfterTheCancelledCallersDeadline() {
        // The original call timed out unapplied (deadline T0); its retry applied at T0 + 50 and was told "allowed".
        UserRules.Step retry = UserRules.acquire(fresh(), acquire(1, T0 + 100), T0 + 50, MEMORY);
        UserRules.Step cancel = UserRules.cancel(retry.state(), acquire(1, T0), T0 + 60, MEMORY);
        assertThat(cancel.applied()).isFalse();
        assertThat(cancel.state().usage().used().requests()).isEqualTo(1);
    }

    @Test
    void theRequestQuotaDeniesAllOrNothing() {
        UserState state = fresh();
        for (int i = 0; i < 5; i++) {
            state = UserRules.acquire(state, acquire(100 + i, Long.MAX_VALUE), T0 + i, MEMORY).state();
        }
        UserRules.Step denied = UserRules.acquire(state, acquire(200, Long.MAX_VALUE), T0 + 10, MEMORY);
        assertThat(denied.decision().outcome()).isEqualTo(Outcome.DENIED_QUOTA);
        assertThat(denied.decision().meter()).isEqualTo(Meter.REQUESTS);
        assertThat(RateLimiter.usage(denied.state().counters(), LIMITS.get(0), "api", T0 + 10).used()).isEqualTo(5);
        assertThat(denied.state().usage().used().requests()).isEqualTo(5);
    }

    @Test
    void aCallOneSideAppliedAndTheOtherCancelledUnseenIsNotBilledAfterTheMerge() {
        UserState before = UserRules.acquire(fresh(), acquire(1, Long.MAX_VALUE), T0, MEMORY).state()
                .claimedBy("A", "e-a");
        // The cut-off owner A applies call 2, but its answer comes too late: the caller answers fail-closed.
        UserState a = UserRules.acquire(before, acquire(2, Long.MAX_VALUE), T0 + 10, MEMORY).state();
        // The majority's promoted copy B gets the cancel of call 2 before the merge: it never saw the call.
        UserState b = UserRules.cancel(before.claimedBy("B", "e-b"), acquire(2, Long.MAX_VALUE), T0 + 20, MEMORY).state();
        assertThat(a.usage().used().requests()).isEqualTo(2);
        assertThat(b.usage().used().requests()).isEqualTo(1);
        for (UserState merged : java.util.List.of(b.absorb(a, "m", T0 + 30), a.absorb(b, "m", T0 + 30))) {
            DivergentCopiesProperties.Ledger ledger = new DivergentCopiesProperties.Ledger();
            UsageBook book = merged.usage();
            while (book.hasUnflushed()) {
                UsageBook.Prepared p = book.prepare("u");
                LedgerCursor cursor = ledger.apply(p.batch());
                book = p.book().confirm(p.batch().epoch(), cursor, book.periodStart(), new Totals(ledger.total, 0, 0), T0);
            }
            assertThat(merged.usage().used().requests()).as("the merged entry's own view").isEqualTo(1);
            assertThat(ledger.total).as("only call 1 is billed").isEqualTo(1);
        }
    }
}
