package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * The limiter against an exact sliding log ({@link ExactSlidingLog}). Time is simulated: plain
 * millis, never going backwards.
 */
class SlidingWindowProperties {

    private static final String API = "a";

    /** One arriving call: this many millis after the previous one, asking for this many units. */
    record Arrival(long gapMillis, long cost) {
    }

    // ---------------------------------------------------------------- SAFETY

    /**
     * No interval of length W ever holds more than L units admitted by RateLimiter, in any of its
     * windows, whatever the arrival pattern; a denial says truthfully when the same call would pass.
     */
    @Property(tries = 1000)
    void noIntervalOfAnyWindowEverHoldsMoreThanItsLimit(@ForAll("limitSets") List<Limit> limits,
                                                        @ForAll("arrivals") List<Arrival> arrivals) {
        Map<Limit, ExactSlidingLog> admittedLogs = new LinkedHashMap<>();
        for (Limit limit : limits) {
            admittedLogs.put(limit, new ExactSlidingLog(limit.window().millis(), limit.max()));
        }
        Counters counters = Counters.empty();
        long now = 1_000_000;
        boolean sawDenial = false;
        for (Arrival arrival : arrivals) {
            now += arrival.gapMillis();
            RateLimiter.Step step = RateLimiter.acquire(counters, limits, API, arrival.cost(), now);
            Decision d = step.decision();
            if (d.allowed()) {
                for (Map.Entry<Limit, ExactSlidingLog> e : admittedLogs.entrySet()) {
                    e.getValue().record(now, arrival.cost());
                    assertThat(e.getValue().inWindow(now))
                            .as("units admitted in (%d - W, %d] under %s", now, now, e.getKey())
                            .isLessThanOrEqualTo(e.getKey().max());
                }
                assertThat(d.remaining()).isBetween(0L, d.limit() - arrival.cost());
            } else {
                sawDenial = true;
                assertThat(step.counters()).as("a denial consumes nothing").isSameAs(counters);
                assertThat(d.retryAfterMillis()).isPositive();
                if (d.retryAfterMillis() != Long.MAX_VALUE) {
                    long at = now + d.retryAfterMillis();
                    assertThat(RateLimiter.check(counters, limits, API, arrival.cost(), at).allowed())
                            .as("allowed after retry_after").isTrue();
                    assertThat(RateLimiter.check(counters, limits, API, arrival.cost(), at - 1).allowed())
                            .as("still denied just before retry_after").isFalse();
                } else {
                    assertThat(limits).anySatisfy(l -> assertThat(arrival.cost()).isGreaterThan(l.max()));
                }
            }
            counters = step.counters();
        }
        // Not vacuous: most runs push some window to its limit.
        Statistics.label("some call denied").collect(sawDenial);
        Statistics.label("some call denied").coverage(c -> c.check(true).percentage(p -> p > 50));
    }

    /** The reset time an allowed call reports is computed without building the counter it would leave; same answer. */
    @Property(tries = 1000)
    void resetAfterAddingIsTheResetOfTheCounterWithTheUnitsAdded(@ForAll("limitSets") List<Limit> limits,
                                                                 @ForAll("arrivals") List<Arrival> arrivals,
                                                                 @ForAll @IntRange(min = 0, max = 5) int amount) {
        Counters counters = Counters.empty();
        long now = 1_000_000;
        for (Arrival arrival : arrivals) {
            now += arrival.gapMillis();
            counters = RateLimiter.acquire(counters, limits, API, arrival.cost(), now).counters();
            for (Limit limit : limits) {
                SlidingWindow w = counters.get(CounterKey.of(limit, API));
                assertThat(w.nextReleaseAtAfterAdding(now, amount)).as("%s at %d + %d", w, now, amount)
                        .isEqualTo(w.plus(now, amount).nextReleaseAt(now));
            }
        }
    }

    @Provide
    Arbitrary<List<Limit>> limitSets() {
        List<Tuple.Tuple2<Scope, Window>> keys = new ArrayList<>();
        for (Scope s : Scope.values()) {
            for (Window w : List.of(Window.SECOND, Window.MINUTE, Window.HOUR, Window.DAY)) {
                keys.add(Tuple.of(s, w));
            }
        }
        return Arbitraries.of(keys).set().ofMinSize(1).ofMaxSize(4).flatMap(chosen -> {
            List<Arbitrary<Limit>> limits = new ArrayList<>();
            for (Tuple.Tuple2<Scope, Window> k : chosen) {
                limits.add(Arbitraries.longs().between(1, 60).map(max -> new Limit(k.get1(), k.get2(), max)));
            }
            return Combinators.combine(limits).as(List::copyOf);
        });
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        Arbitrary<Long> gap = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(6, Arbitraries.longs().between(0, 60)),      // within a SECOND bucket or two
                Tuple.of(6, Arbitraries.longs().between(0, 2_000)),   // across SECOND windows
                Tuple.of(3, Arbitraries.longs().between(0, 90_000)),  // across MINUTE windows
                Tuple.of(1, Arbitraries.longs().between(0, 5_000_000)));
        Arbitrary<Long> cost = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(1L)),
                Tuple.of(4, Arbitraries.longs().between(1, 70)));
        return Combinators.combine(gap, cost).as(Arrival::new).list().ofMaxSize(400);
    }

    // ---------------------------------------------------------------- LIVENESS

    /*
     * Why two properties and not one. The brief's property (>= 95% of the exact log, less L, for any
     * L in 1..2000 and overload 2..50) is FALSE when fewer than about ten calls arrive per window:
     * shrunk counterexample L = 1, overload 2, 30 windows: ours 20, exact log 30. The exact log frees
     * a unit after exactly W and takes the call arriving at that very instant; our counter frees it
     * only when its bucket leaves, up to g = W / SUB_BUCKETS later, so it misses that call and waits
     * one inter-arrival gap d for the next (here d = W / 2). That is the price of counting whole
     * buckets (which is what makes SAFETY hold), not a bug. In general a unit's slot is busy for at
     * most W + g + d with us and at least W with the exact log, hence the two bounds:
     *   - dense arrivals (at least SUB_BUCKETS calls per window, so d <= g): W / (W + 2g) = 40/42
     *     >= 95%, the brief's property;
     *   - any overload: W / (W + g + d).
     */

    /**
     * Under steady overload with at least one call per bucket (evenly spaced calls of cost 1 at
     * {@code overload} times the limit rate, for at least 30 windows), the counter admits at least
     * 95% of what the exact sliding log admits, less one window's L of edge slack.
     */
    @Property(tries = 150)
    void denseSteadyOverloadAdmitsAtLeast95PercentOfTheExactLog(
            @ForAll @IntRange(min = 1, max = 2_000) int limit,
            @ForAll @IntRange(min = 2, max = 50) int overload,
            @ForAll @IntRange(min = 30, max = 40) int windows) {
        Assume.that((long) overload * limit >= SlidingWindow.SUB_BUCKETS);
        Overload run = Overload.run(Window.MINUTE, limit, overload, windows);
        assertThat(run.ours()).as(run.toString())
                .isGreaterThanOrEqualTo((long) Math.ceil(0.95 * run.exact()) - limit);
    }

    /**
     * Under any steady overload, however sparse the calls, the counter admits at least
     * {@code W / (W + g + d)} of what the exact log admits (g the bucket width, d the gap between
     * calls), less one window's L.
     */
    @Property(tries = 150)
    void anySteadyOverloadAdmitsAllButOneBucketAndOneGapPerCycle(
            @ForAll @IntRange(min = 1, max = 2_000) int limit,
            @ForAll @IntRange(min = 2, max = 50) int overload,
            @ForAll @IntRange(min = 30, max = 40) int windows) {
        Window window = Window.MINUTE;
        long w = window.millis();
        long gap = Math.ceilDiv(w, (long) overload * limit);
        double share = (double) w / (w + SlidingWindow.bucketMillis(window) + gap);
        Overload run = Overload.run(window, limit, overload, windows);
        assertThat(run.ours()).as(run + " share " + share)
                .isGreaterThanOrEqualTo((long) Math.floor(share * run.exact()) - limit);
    }

    /** The shrunk counterexample to the brief's 95% property, kept so that the trade-off stays visible. */
    @Example
    void sparseCallsOnTheWindowBoundaryLoseOneGapPerCycle() {
        Overload run = Overload.run(Window.MINUTE, 1, 2, 30);
        assertThat(run.exact()).isEqualTo(30); // one call per W: every call on a boundary is taken
        assertThat(run.ours()).isEqualTo(20);  // one per 1.5 W: the boundary call comes g too early
    }

    /**
     * Admitted totals of our counter and of the exact log for {@code windows} windows of evenly spaced
     * calls of cost 1 at {@code overload} times the rate {@code limit / W}.
     */
    record Overload(Window window, int limit, int overload, int windows, long ours, long exact) {
        static Overload run(Window window, int limit, int overload, int windows) {
            long w = window.millis();
            long perWindow = (long) overload * limit;
            long calls = perWindow * windows;
            SlidingWindow counter = SlidingWindow.empty(window);
            ExactSlidingLog exact = new ExactSlidingLog(w, limit);
            long ours = 0;
            for (long i = 0; i < calls; i++) {
                long t = i * w / perWindow; // evenly spaced, rounded down to the millisecond
                if (counter.used(t) + 1 <= limit) {
                    counter = counter.plus(t, 1);
                    ours++;
                }
                exact.tryAcquire(t, 1);
            }
            return new Overload(window, limit, overload, windows, ours, exact.admittedTotal());
        }
    }
}
