package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Two copies of one counter that both counted after a split (a shared history, then each side's own
 * calls), merged by {@link SlidingWindow#atLeast}: the merge never counts less than either copy, nor
 * more than both together, at any moment of the window that follows; and it does not depend on which
 * copy Hazelcast merges into.
 */
class SplitMergeProperties {

    record Add(long gapMillis, long amount) {
    }

    @Property(tries = 500)
    void aMergedCounterHoldsAtLeastEachCopyAndAtMostBoth(@ForAll("windows") Window window,
                                                        @ForAll("adds") List<Add> shared,
                                                        @ForAll("adds") List<Add> sideA,
                                                        @ForAll("adds") List<Add> sideB) {
        long start = 1_700_000_000_000L;
        SlidingWindow common = SlidingWindow.empty(window);
        long t = start;
        for (Add add : shared) {
            t += scaled(add, window);
            common = common.plus(t, add.amount());
        }
        long[] endA = {t};
        long[] endB = {t};
        SlidingWindow a = apply(common, sideA, window, endA);
        SlidingWindow b = apply(common, sideB, window, endB);
        long now = Math.max(endA[0], endB[0]);
        SlidingWindow ab = a.atLeast(b, now);
        SlidingWindow ba = b.atLeast(a, now);
        for (long at = now; at <= now + window.millis() + SlidingWindow.bucketMillis(window); at += window.millis() / 10) {
            long usedA = a.used(at);
            long usedB = b.used(at);
            assertThat(ab.used(at)).isGreaterThanOrEqualTo(Math.max(usedA, usedB)).isLessThanOrEqualTo(usedA + usedB);
            assertThat(ba.used(at)).isEqualTo(ab.used(at));
        }
    }

    @Property(tries = 200)
    void aStaleCopyNeverEmptiesAFullerOne(@ForAll("windows") Window window, @ForAll("adds") List<Add> later) {
        long t = 1_700_000_000_000L;
        SlidingWindow stale = SlidingWindow.empty(window).plus(t, 1);
        long[] end = {t};
        SlidingWindow fuller = apply(stale, later, window, end);
        assertThat(stale.atLeast(fuller, end[0])).isEqualTo(fuller.atLeast(stale, end[0]));
        assertThat(stale.atLeast(fuller, end[0]).used(end[0])).isEqualTo(fuller.used(end[0]));
    }

    private static SlidingWindow apply(SlidingWindow from, List<Add> adds, Window window, long[] clock) {
        SlidingWindow w = from;
        for (Add add : adds) {
            clock[0] += scaled(add, window);
            w = w.plus(clock[0], add.amount());
        }
        return w;
    }

    /** Gaps drawn as thousandths of the window, so every window sees calls in many of its buckets. */
    private static long scaled(Add add, Window window) {
        return add.gapMillis() * window.millis() / 1000;
    }

    @Provide
    Arbitrary<Window> windows() {
        return Arbitraries.of(Window.SECOND, Window.MINUTE, Window.HOUR);
    }

    @Provide
    Arbitrary<List<Add>> adds() {
        return Combinators.combine(Arbitraries.longs().between(0, 400), Arbitraries.longs().between(1, 5))
                .as(Add::new).list().ofMaxSize(30);
    }
}
