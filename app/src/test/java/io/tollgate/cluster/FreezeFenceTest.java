package io.tollgate.cluster;

import com.hazelcast.spi.exception.RetryableHazelcastException;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.Limit;
import io.tollgate.core.Outcome;
import io.tollgate.core.Quota;
import io.tollgate.core.Scope;
import io.tollgate.core.Totals;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import io.tollgate.core.Window;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fence's rule; the freeze itself (SIGSTOP of a member under load) is the chaos suite's pause scenario. */
class FreezeFenceTest {

    @Test
    void thresholdsFollowTheHeartbeatTimeout() {
        // A freeze the others may have noticed fences; the fence outlasts their failure detection.
        assertThat(FreezeFence.freezeMillisFor(java.time.Duration.ofSeconds(5))).isEqualTo(2_000);
        assertThat(FreezeFence.fenceMillisFor(java.time.Duration.ofSeconds(5))).isEqualTo(8_000);
        assertThat(FreezeFence.freezeMillisFor(java.time.Duration.ofSeconds(2))).isEqualTo(1_000);
        assertThat(FreezeFence.fenceMillisFor(java.time.Duration.ofSeconds(2))).isEqualTo(5_000);
        assertThat(FreezeFence.freezeMillisFor(java.time.Duration.ofSeconds(30))).isEqualTo(2_000);
        assertThat(FreezeFence.fenceMillisFor(java.time.Duration.ofSeconds(30))).isEqualTo(33_000);
    }

    @Test
    void aRunningJvmIsNotFencedAndShortHiccupsChangeNothing() {
        assertThat(FreezeFence.fenced()).isFalse();
        FreezeFence.observedGap(FreezeFence.freezeMillis(), System.nanoTime());
        assertThat(FreezeFence.fenced()).isFalse();
    }

    @Test
    void aFreezeLongerThanTheThresholdFencesForTheFenceDurationThenLifts() {
        long longAgo = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(FreezeFence.fenceMillis() + 1);
        FreezeFence.observedGap(FreezeFence.freezeMillis() + 1, longAgo);
        assertThat(FreezeFence.fenced()).as("the fence set long ago has lifted").isFalse();
        FreezeFence.observedGap(30_000, System.nanoTime());
        assertThat(FreezeFence.fenced()).isTrue();
        assertThat(FreezeFence.lastFreezeMillis()).isEqualTo(30_000);
        // Lift it again so no other test in this JVM sees a fenced member.
        FreezeFence.observedGap(FreezeFence.freezeMillis() + 1, longAgo);
        assertThat(FreezeFence.fenced()).isFalse();
    }

    @Test
    void aFencedMemberAnswersDecisionsByTheFailurePolicyAndHasEveryOtherWriteRetriedElsewhere() {
        UserRules.Memory memory = new UserRules.Memory(60_000, 100);
        UserRules.Acquire call = new UserRules.Acquire(1, 0, "api", 1, List.of(new Limit(Scope.USER, Window.MINUTE, 10)),
                new Quota(100, 1_000, 1_000), BillingCycle.utcCalendarMonth(), false, Long.MAX_VALUE);
        long now = System.currentTimeMillis();
        UserState applied = UserRules.acquire(UserState.fresh("epoch",
                BillingCycle.utcCalendarMonth().periodAt(Instant.ofEpochMilli(now)), Totals.ZERO), call, now, memory).state();
        Map.Entry<String, UserState> entry = new AbstractMap.SimpleEntry<>("u", applied);
        long longAgo = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(FreezeFence.fenceMillis() + 1);
        FreezeFence.observedGap(FreezeFence.freezeMillis() + 1, System.nanoTime());
        try {
            assertThat(new UserProcessor(call, UserProcessor.ACQUIRE, memory).process(entry).outcome())
                    .isEqualTo(Outcome.FAILURE_CLOSED);
            // The cancel of a call its caller was told failed must reach the copy that will be flushed.
            assertThatThrownBy(() -> new UserProcessor(call, UserProcessor.CANCEL, memory).process(entry))
                    .isInstanceOf(RetryableHazelcastException.class);
            assertThatThrownBy(() -> new UserProcessor(call.forced(), UserProcessor.ACQUIRE, memory).process(entry))
                    .isInstanceOf(RetryableHazelcastException.class);
            assertThatThrownBy(() -> new UsageProcessor(2, "api", 10, 1, BillingCycle.utcCalendarMonth(), memory, null)
                    .process(entry)).isInstanceOf(RetryableHazelcastException.class);
            assertThatThrownBy(() -> ApiProcessor.release(call.limits(), 1, now)
                    .process(new AbstractMap.SimpleEntry<>("api", null))).isInstanceOf(RetryableHazelcastException.class);
            assertThat(entry.getValue()).as("nothing written").isSameAs(applied);
        } finally {
            FreezeFence.observedGap(FreezeFence.freezeMillis() + 1, longAgo);
        }
        assertThat(FreezeFence.fenced()).isFalse();
    }
}
