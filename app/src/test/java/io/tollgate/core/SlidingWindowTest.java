package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * SlidingWindow on a simulated clock. The SECOND window is used throughout: W = 1000 ms, so a bucket
 * is g = 25 ms and bucket b covers [25b, 25b + 25). A unit added in bucket b is counted until
 * 25(b + 1) + W, i.e. for at most W + g.
 */
class SlidingWindowTest {

    private static final Window W = Window.SECOND;
    private static final long G = 25;

    @Test
    void everyWindowSplitsIntoWholeMillisecondBuckets() {
        for (Window w : Window.values()) {
            assertThat(w.millis() % SlidingWindow.SUB_BUCKETS).as(w.name()).isZero();
        }
        assertThat(SlidingWindow.bucketMillis(W)).isEqualTo(G);
    }

    @Test
    void emptyCounterHasNothingAndFitsAnythingUpToTheLimit() {
        SlidingWindow w = SlidingWindow.empty(W);
        assertThat(w.used(123_456)).isZero();
        assertThat(w.isIdle(123_456)).isTrue();
        assertThat(w.nextReleaseAt(5_000)).isEqualTo(5_000);
        assertThat(w.earliestFit(5_000, 10, 10)).isEqualTo(5_000);
    }

    @Test
    void unitIsCountedFromItsArrivalUntilItsBucketLeavesTheWindow() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 3); // bucket 40
        assertThat(w.head()).isEqualTo(40);
        assertThat(w.counts()[SlidingWindow.SUB_BUCKETS]).isEqualTo(3);
        assertThat(w.used(1_000)).isEqualTo(3);
        assertThat(w.used(1_999)).isEqualTo(3);
        // Conservative: still counted at 2024 although the unit arrived more than W earlier...
        assertThat(w.used(2_024)).isEqualTo(3);
        // ...and gone exactly when bucket 40 stops overlapping (now - W, now]: 25 * 41 + 1000.
        assertThat(w.used(2_025)).isZero();
        assertThat(w.isIdle(2_025)).isTrue();
        assertThat(w.nextReleaseAt(1_000)).isEqualTo(2_025);
        assertThat(w.nextReleaseAt(2_024)).isEqualTo(2_025);
    }

    @Test
    void unitAtTheEndOfItsBucketIsCountedForExactlyTheWindow() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_024, 1); // last millisecond of bucket 40
        assertThat(w.used(2_023)).isEqualTo(1);
        assertThat(w.used(2_024)).isEqualTo(1); // (1024, 2024] no longer holds it: one ms conservative
        assertThat(w.used(2_025)).isZero();
    }

    @Test
    void bucketsShiftOutOneByOne() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 2).plus(1_010, 1).plus(1_500, 3);
        assertThat(w.used(1_500)).isEqualTo(6);
        assertThat(w.nextReleaseAt(1_500)).isEqualTo(2_025);
        assertThat(w.used(2_024)).isEqualTo(6);
        assertThat(w.used(2_025)).isEqualTo(3);
        assertThat(w.nextReleaseAt(2_025)).isEqualTo(2_525); // bucket 60 -> 25 * 61 + 1000
        assertThat(w.used(2_524)).isEqualTo(3);
        assertThat(w.used(2_525)).isZero();
    }

    @Test
    void advancingKeepsTheOverlappingBucketsInPlace() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 2).plus(1_500, 3); // buckets 40 and 60
        SlidingWindow later = w.plus(1_800, 1); // head 72: bucket 40 now in slot 8, bucket 60 in slot 28
        long[] counts = later.counts();
        assertThat(later.head()).isEqualTo(72);
        assertThat(counts[8]).isEqualTo(2);
        assertThat(counts[28]).isEqualTo(3);
        assertThat(counts[SlidingWindow.SUB_BUCKETS]).isEqualTo(1);
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(6);
    }

    @Test
    void jumpLongerThanTheWindowClearsEverything() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 5).plus(10_000_000, 1);
        assertThat(w.used(10_000_000)).isEqualTo(1);
        assertThat(w.counts()).containsOnly(0, 1);
    }

    @Test
    void valuesAreImmutable() {
        SlidingWindow empty = SlidingWindow.empty(W);
        SlidingWindow one = empty.plus(1_000, 1);
        one.plus(1_000, 1);
        one.plus(5_000, 1);
        one.minus(1_000, 1, 1_000);
        assertThat(empty.used(1_000)).isZero();
        assertThat(one.used(1_000)).isEqualTo(1);
        long[] counts = one.counts();
        counts[SlidingWindow.SUB_BUCKETS] = 99;
        assertThat(one.used(1_000)).isEqualTo(1);
    }

    @Test
    void clockGoingBackwardsNeitherShiftsNorLosesCounts() {
        SlidingWindow w = SlidingWindow.empty(W).plus(2_000, 5); // head bucket 80
        SlidingWindow back = w.plus(1_000, 1); // clock 1 s behind the head
        assertThat(back.head()).isEqualTo(80);
        assertThat(back.counts()[SlidingWindow.SUB_BUCKETS]).isEqualTo(6); // booked in the head bucket
        assertThat(back.used(1_000)).isEqualTo(6);
        assertThat(back.used(0)).isEqualTo(6);
        assertThat(back.used(-50_000)).isEqualTo(6);
        // Release times stay those of the head: nothing leaves earlier than it would have.
        assertThat(back.nextReleaseAt(1_000)).isEqualTo(3_025);
        assertThat(back.earliestFit(1_000, 1, 6)).isEqualTo(3_025);
        assertThat(back.used(3_024)).isEqualTo(6);
        assertThat(back.used(3_025)).isZero();
    }

    @Test
    void minusTakesBackFromTheBucketOfTheOriginalAddition() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 5).plus(1_500, 4);
        SlidingWindow back = w.minus(1_000, 2, 1_600);
        assertThat(back.used(1_600)).isEqualTo(7);
        // The 3 left in bucket 40 leave at 2025, the 4 of bucket 60 at 2525.
        assertThat(back.used(2_025)).isEqualTo(4);
        assertThat(back.minus(1_500, 4, 1_600).used(1_600)).isEqualTo(3);
    }

    @Test
    void minusNeverGoesBelowZeroNorTouchesOtherBuckets() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 2).plus(1_500, 4);
        SlidingWindow back = w.minus(1_000, 10, 1_500);
        assertThat(back.used(1_500)).isEqualTo(4);
        assertThat(back.minus(1_250, 1, 1_500).used(1_500)).isEqualTo(4); // bucket 50 is empty
    }

    @Test
    void minusOfUnitsAlreadyOutOfTheWindowChangesNothing() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 2).plus(2_000, 3);
        SlidingWindow back = w.minus(1_000, 2, 2_100); // bucket 40 left at 2025
        assertThat(back.used(2_100)).isEqualTo(3);
        assertThat(back).isEqualTo(w.plus(2_100, 0)); // only advanced
        assertThat(w.minus(9_999, 1, 2_100).used(2_100)).isEqualTo(3); // a time after the head: ignored
    }

    @Test
    void earliestFitWaitsForJustEnoughBucketsToLeave() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 4).plus(1_200, 3).plus(1_400, 2); // 9 used
        long now = 1_400;
        assertThat(w.earliestFit(now, 1, 10)).isEqualTo(now);
        assertThat(w.earliestFit(now, 3, 10)).isEqualTo(2_025); // bucket 40 (4 units) leaves
        assertThat(w.earliestFit(now, 6, 10)).isEqualTo(2_225); // bucket 48 leaves as well
        assertThat(w.earliestFit(now, 10, 10)).isEqualTo(2_425); // everything must go
        assertThat(w.earliestFit(now, 11, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(w.earliestFit(now, 1, 9)).isEqualTo(2_025);
    }

    @Test
    void earliestFitIsTheFirstMomentTheCostFits() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, 4).plus(1_200, 3).plus(1_400, 2);
        for (long cost = 1; cost <= 10; cost++) {
            long fit = w.earliestFit(1_400, cost, 10);
            assertThat(w.used(fit) + cost).as("cost %d at %d", cost, fit).isLessThanOrEqualTo(10);
            if (fit > 1_400) {
                assertThat(w.used(fit - 1) + cost).as("cost %d at %d", cost, fit - 1).isGreaterThan(10);
            }
        }
    }

    @Test
    void costAboveTheLimitNeverFitsEvenWhenEmpty() {
        assertThat(SlidingWindow.empty(W).earliestFit(0, 11, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(SlidingWindow.empty(W).earliestFit(0, 10, 10)).isEqualTo(0);
    }

    @Test
    void hugeAmountsSaturateInsteadOfOverflowing() {
        SlidingWindow w = SlidingWindow.empty(W).plus(1_000, Long.MAX_VALUE).plus(1_000, Long.MAX_VALUE);
        assertThat(w.counts()[SlidingWindow.SUB_BUCKETS]).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void storedFormRoundTrips() {
        SlidingWindow w = SlidingWindow.empty(Window.MINUTE).plus(61_000, 2).plus(90_000, 7);
        SlidingWindow copy = SlidingWindow.of(w.window(), w.head(), w.counts());
        assertThat(copy).isEqualTo(w).hasSameHashCodeAs(w);
        assertThat(copy.used(90_000)).isEqualTo(9);
        assertThatThrownBy(() -> SlidingWindow.of(Window.MINUTE, 0, new long[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
