package io.tollgate.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The fence's rule; the freeze itself (SIGSTOP of a member under load) is the chaos suite's pause scenario. */
class FreezeFenceTest {

    @Test
    void aRunningJvmIsNotFencedAndShortHiccupsChangeNothing() {
        assertThat(FreezeFence.fenced()).isFalse();
        FreezeFence.observedGap(FreezeFence.FREEZE_MILLIS, System.nanoTime());
        assertThat(FreezeFence.fenced()).isFalse();
    }

    @Test
    void aFreezeLongerThanTheThresholdFencesForTheFenceDurationThenLifts() {
        long longAgo = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(FreezeFence.FENCE_MILLIS + 1);
        FreezeFence.observedGap(FreezeFence.FREEZE_MILLIS + 1, longAgo);
        assertThat(FreezeFence.fenced()).as("the fence set long ago has lifted").isFalse();
        FreezeFence.observedGap(30_000, System.nanoTime());
        assertThat(FreezeFence.fenced()).isTrue();
        assertThat(FreezeFence.lastFreezeMillis()).isEqualTo(30_000);
        // Lift it again so no other test in this JVM sees a fenced member.
        FreezeFence.observedGap(FreezeFence.FREEZE_MILLIS + 1, longAgo);
        assertThat(FreezeFence.fenced()).isFalse();
    }
}
