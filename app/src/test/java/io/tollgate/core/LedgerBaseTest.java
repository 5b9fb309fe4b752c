package io.tollgate.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When an entry needs the ledger's total before it decides quota, and how it takes it. */
class LedgerBaseTest {
    private static final BillingCycle CYCLE = BillingCycle.utcCalendarMonth();
    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final BillingPeriod NOVEMBER = CYCLE.periodAt(Instant.ofEpochMilli(T0));
    private static final BillingPeriod DECEMBER = CYCLE.periodAt(Instant.parse("2026-12-02T00:00:00Z"));
    private static final UserRules.Memory MEMORY = new UserRules.Memory(60_000, 100);

    private static UserRules.Acquire acquire(long opId) {
        return new UserRules.Acquire(opId, 0, "api", 1, List.of(new Limit(Scope.USER, Window.MINUTE, 100)),
                new Quota(10, 1_000, 1_000), CYCLE, false, Long.MAX_VALUE);
    }

    @Test
    void noEntryOrAnUnknownBaseWithNothingUnconfirmedNeedsTheLedger() {
        assertThat(UserState.needsLedgerBase(null, NOVEMBER)).isTrue();
        UserState unknown = UserState.fresh("e", NOVEMBER, LedgerBase.UNKNOWN);
        assertThat(UserState.needsLedgerBase(unknown, NOVEMBER)).isTrue();
        UserState counted = UserRules.acquire(unknown, acquire(1), T0, MEMORY).state();
        assertThat(UserState.needsLedgerBase(counted, NOVEMBER)).as("pending usage is never in the ledger").isTrue();
    }

    @Test
    void aKnownBaseAnUnconfirmedBatchOrANewPeriodDoNot() {
        UserState known = UserState.fresh("e", NOVEMBER, LedgerBase.of(NOVEMBER, new Totals(3, 0, 0)));
        assertThat(UserState.needsLedgerBase(known, NOVEMBER)).isFalse();
        UserState unknown = UserRules.acquire(UserState.fresh("e", NOVEMBER, LedgerBase.UNKNOWN), acquire(1), T0, MEMORY)
                .state();
        UserState flushing = unknown.withUsage(unknown.usage().prepare("u").book());
        assertThat(UserState.needsLedgerBase(flushing, NOVEMBER))
                .as("a total read while a batch may be in the ledger could count it twice").isFalse();
        assertThat(UserState.needsLedgerBase(unknown, DECEMBER)).as("a new period starts from zero").isFalse();
    }

    @Test
    void aNewEntryStartsFromTheLedgerTotalOfItsOwnPeriodOnly() {
        Totals seven = new Totals(7, 70, 700);
        assertThat(UserState.fresh("e", NOVEMBER, LedgerBase.of(NOVEMBER, seven)).usage().used()).isEqualTo(seven);
        UserState other = UserState.fresh("e", DECEMBER, LedgerBase.of(NOVEMBER, seven));
        assertThat(other.usage().baseKnown()).isFalse();
        assertThat(other.usage().used()).isEqualTo(Totals.ZERO);
    }

    @Test
    void anUnknownBaseIsFilledInBelowItsPendingUsageAndNeverReplacesAKnownOne() {
        UserState counted = UserRules.acquire(UserState.fresh("e", NOVEMBER, LedgerBase.UNKNOWN), acquire(1), T0, MEMORY)
                .state();
        UsageBook filled = counted.usage().withBase(LedgerBase.of(NOVEMBER, new Totals(8, 0, 0)));
        assertThat(filled.baseKnown()).isTrue();
        assertThat(filled.used().requests()).isEqualTo(9);
        assertThat(filled.withBase(LedgerBase.of(NOVEMBER, new Totals(2, 0, 0))).used().requests()).isEqualTo(9);
        assertThat(counted.usage().withBase(LedgerBase.UNKNOWN)).isEqualTo(counted.usage());
        assertThat(counted.usage().withBase(LedgerBase.of(DECEMBER, new Totals(8, 0, 0))).baseKnown()).isFalse();
    }

    @Test
    void aFilledInBaseCountsAgainstTheQuota() {
        UserState unknown = UserState.fresh("e", NOVEMBER, LedgerBase.UNKNOWN);
        UserState filled = unknown.withUsage(unknown.usage().withBase(LedgerBase.of(NOVEMBER, new Totals(9, 0, 0))));
        UserRules.Step first = UserRules.acquire(filled, acquire(1), T0, MEMORY);
        UserRules.Step second = UserRules.acquire(first.state(), acquire(2), T0 + 1, MEMORY);
        assertThat(first.decision().allowed()).isTrue();
        assertThat(second.decision().outcome()).isEqualTo(Outcome.DENIED_QUOTA);
    }
}
