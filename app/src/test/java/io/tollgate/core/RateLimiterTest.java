package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RateLimiter on a simulated clock (plain millis). SECOND buckets are 25 ms, MINUTE buckets 1500 ms. */
class RateLimiterTest {

    private static final String API = "search";
    private static final CounterKey USER_SECOND = new CounterKey(Scope.USER, "", Window.SECOND);
    private static final CounterKey USER_MINUTE = new CounterKey(Scope.USER, "", Window.MINUTE);

    private static Limit user(Window window, long max) {
        return new Limit(Scope.USER, window, max);
    }

    /** Acquires one call and asserts it was allowed. */
    private static Counters allow(Counters counters, List<Limit> limits, long cost, long now) {
        RateLimiter.Step step = RateLimiter.acquire(counters, limits, API, cost, now);
        assertThat(step.decision().outcome()).as("acquire %d at %d", cost, now).isEqualTo(Outcome.ALLOWED);
        return step.counters();
    }

    @Test
    void allowedCallConsumesInEveryWindow() {
        List<Limit> limits = List.of(user(Window.SECOND, 5), user(Window.MINUTE, 20),
                new Limit(Scope.USER_API, Window.MINUTE, 8));
        Counters c = allow(Counters.empty(), limits, 3, 1_000);
        assertThat(c.get(USER_SECOND).used(1_000)).isEqualTo(3);
        assertThat(c.get(USER_MINUTE).used(1_000)).isEqualTo(3);
        assertThat(c.get(new CounterKey(Scope.USER_API, API, Window.MINUTE)).used(1_000)).isEqualTo(3);
        assertThat(c.get(new CounterKey(Scope.USER_API, "other", Window.MINUTE)).used(1_000)).isZero();
        assertThat(c.asMap()).hasSize(3);
    }

    @Test
    void denialBySecondWindowConsumesNothingAnywhere() {
        List<Limit> limits = List.of(user(Window.SECOND, 5), user(Window.MINUTE, 20));
        Counters c = allow(Counters.empty(), limits, 5, 1_000);

        RateLimiter.Step denied = RateLimiter.acquire(c, limits, API, 1, 1_010);

        assertThat(denied.decision().outcome()).isEqualTo(Outcome.DENIED_RATE);
        assertThat(denied.decision().window()).isEqualTo(Window.SECOND);
        assertThat(denied.counters()).isEqualTo(c);
        assertThat(denied.counters().get(USER_MINUTE).used(1_010)).isEqualTo(5);
    }

    @Test
    void denialByLongerWindowConsumesNothingInTheShorterOneThatAllowed() {
        List<Limit> limits = List.of(user(Window.SECOND, 5), user(Window.MINUTE, 3));
        Counters c = allow(Counters.empty(), limits, 3, 1_000);

        RateLimiter.Step denied = RateLimiter.acquire(c, limits, API, 1, 5_000); // the second is empty again

        assertThat(denied.decision().outcome()).isEqualTo(Outcome.DENIED_RATE);
        assertThat(denied.decision().window()).isEqualTo(Window.MINUTE);
        assertThat(denied.counters().get(USER_SECOND).used(5_000)).isZero();
        assertThat(denied.counters().get(USER_MINUTE).used(5_000)).isEqualTo(3);
    }

    @Test
    void allowedDecisionNamesTheWindowClosestToDenying() {
        List<Limit> limits = List.of(user(Window.SECOND, 10), user(Window.MINUTE, 12));
        Counters c = Counters.empty();
        for (long t = 0; t < 8_000; t += 1_000) {
            c = allow(c, limits, 1, t); // 8 units in the minute, spread one per second
        }
        Decision d = RateLimiter.acquire(c, limits, API, 1, 8_000).decision();
        // second: the unit of t = 7000 still counts until 8025 -> 10 - 1 - 1 = 8 left; minute: 12 - 8 - 1 = 3.
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(d.window()).isEqualTo(Window.MINUTE);
        assertThat(d.scope()).isEqualTo(Scope.USER);
        assertThat(d.limit()).isEqualTo(12);
        assertThat(d.remaining()).isEqualTo(3);
        assertThat(d.retryAfterMillis()).isZero();
        // The oldest unit of the minute (t = 0, bucket 0) leaves at 1500 + 60000.
        assertThat(d.resetAtMillis()).isEqualTo(61_500);
    }

    @Test
    void onATieTheShorterWindowIsNamed() {
        List<Limit> limits = List.of(user(Window.MINUTE, 4), user(Window.SECOND, 4));
        Decision d = RateLimiter.acquire(Counters.empty(), limits, API, 1, 1_000).decision();
        assertThat(d.window()).isEqualTo(Window.SECOND);
        assertThat(d.remaining()).isEqualTo(3);
        // Allowed: reset is when the unit being admitted now (bucket 40) leaves the second window.
        assertThat(d.resetAtMillis()).isEqualTo(2_025);
    }

    @Test
    void deniedDecisionNamesTheDenyingWindowWithTheLongestRetry() {
        List<Limit> limits = List.of(user(Window.SECOND, 2), user(Window.MINUTE, 2), user(Window.HOUR, 100));
        Counters c = allow(Counters.empty(), limits, 2, 1_000);

        Decision d = RateLimiter.check(c, limits, API, 1, 1_100);

        assertThat(d.outcome()).isEqualTo(Outcome.DENIED_RATE);
        assertThat(d.window()).isEqualTo(Window.MINUTE);
        assertThat(d.limit()).isEqualTo(2);
        assertThat(d.remaining()).isZero();
        // Units at 1000 sit in minute bucket 0, which leaves at 1500 + 60000.
        assertThat(d.resetAtMillis()).isEqualTo(61_500);
        assertThat(d.retryAfterMillis()).isEqualTo(61_500 - 1_100);
        assertThat(RateLimiter.check(c, limits, API, 1, 61_499).allowed()).isFalse();
        assertThat(RateLimiter.check(c, limits, API, 1, 61_500).allowed()).isTrue();
    }

    @Test
    void deniedRemainingIsWhatIsLeftNotNegative() {
        List<Limit> limits = List.of(user(Window.SECOND, 5));
        Counters c = allow(Counters.empty(), limits, 3, 1_000);
        Decision d = RateLimiter.check(c, limits, API, 4, 1_000);
        assertThat(d.allowed()).isFalse();
        assertThat(d.remaining()).isEqualTo(2);
        assertThat(d.retryAfterMillis()).isEqualTo(2_025 - 1_000);
    }

    @Test
    void costAboveALimitIsDeniedForeverAndConsumesNothing() {
        List<Limit> limits = List.of(user(Window.SECOND, 5), user(Window.MINUTE, 100));
        RateLimiter.Step step = RateLimiter.acquire(Counters.empty(), limits, API, 6, 1_000);
        assertThat(step.decision().outcome()).isEqualTo(Outcome.DENIED_RATE);
        assertThat(step.decision().window()).isEqualTo(Window.SECOND);
        assertThat(step.decision().retryAfterMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(step.counters().isEmpty()).isTrue();
    }

    @Test
    void aNeverFittingWindowOutranksAnyFiniteRetry() {
        List<Limit> limits = List.of(user(Window.SECOND, 50), user(Window.MINUTE, 40));
        Counters c = allow(Counters.empty(), limits, 40, 1_000);
        Decision d = RateLimiter.check(c, limits, API, 45, 1_000); // minute: 80 > 40, never; second: waits
        assertThat(d.window()).isEqualTo(Window.MINUTE);
        assertThat(d.retryAfterMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void checkConsumesNothing() {
        List<Limit> limits = List.of(user(Window.SECOND, 5));
        Counters c = allow(Counters.empty(), limits, 1, 1_000);
        Decision d = RateLimiter.check(c, limits, API, 1, 1_000);
        assertThat(d.allowed()).isTrue();
        assertThat(d.remaining()).isEqualTo(3);
        assertThat(c.get(USER_SECOND).used(1_000)).isEqualTo(1);
    }

    @Test
    void noLimitsMeansUnlimitedAndNoCounters() {
        RateLimiter.Step step = RateLimiter.acquire(Counters.empty(), List.of(), API, 1_000, 1_000);
        assertThat(step.decision().outcome()).isEqualTo(Outcome.ALLOWED);
        assertThat(step.decision().remaining()).isEqualTo(Long.MAX_VALUE);
        assertThat(step.decision().window()).isNull();
        assertThat(step.counters().isEmpty()).isTrue();
    }

    @Test
    void idleCountersAreDroppedOnTheNextWrite() {
        Counters c = allow(Counters.empty(), List.of(user(Window.SECOND, 5)), 1, 1_000);
        assertThat(c.asMap()).containsOnlyKeys(USER_SECOND);

        // 1 s later the second counter is idle; writing another counter drops it.
        Limit perApi = new Limit(Scope.USER_API, Window.MINUTE, 5);
        Counters later = allow(c, List.of(perApi), 1, 2_025);

        assertThat(later.asMap()).containsOnlyKeys(new CounterKey(Scope.USER_API, API, Window.MINUTE));
        assertThat(later.longestWindowMillis()).isEqualTo(Window.MINUTE.millis());
    }

    @Test
    void stillCountingCountersAreKept() {
        Counters c = allow(Counters.empty(), List.of(user(Window.SECOND, 5)), 1, 1_000);
        Counters later = allow(c, List.of(user(Window.MINUTE, 5)), 1, 2_024);
        assertThat(later.asMap()).containsOnlyKeys(USER_SECOND, USER_MINUTE);
    }

    @Test
    void releaseTakesTheCostBackAndDropsTheEmptiedCounters() {
        List<Limit> limits = List.of(user(Window.SECOND, 5), user(Window.MINUTE, 10));
        Counters c = allow(Counters.empty(), limits, 2, 1_000);
        Counters more = allow(c, List.of(user(Window.MINUTE, 10)), 1, 1_200);

        Counters back = RateLimiter.release(more, limits, API, 2, 1_000, 1_300);

        assertThat(back.asMap()).containsOnlyKeys(USER_MINUTE);
        assertThat(back.get(USER_MINUTE).used(1_300)).isEqualTo(1);
        assertThat(RateLimiter.release(back, List.of(user(Window.MINUTE, 10)), API, 1, 1_200, 1_300).isEmpty())
                .isTrue();
    }

    @Test
    void usageReportsUsedRemainingAndReset() {
        Limit second = user(Window.SECOND, 5);
        Counters c = allow(Counters.empty(), List.of(second), 2, 1_000);
        assertThat(RateLimiter.usage(c, second, API, 1_500))
                .isEqualTo(new RateLimiter.Usage(second, 2, 3, 2_025));
        assertThat(RateLimiter.usage(c, second, API, 2_025))
                .isEqualTo(new RateLimiter.Usage(second, 0, 5, 2_025));
        Limit tiny = user(Window.SECOND, 1);
        assertThat(RateLimiter.usage(c, tiny, API, 1_500).remaining()).isZero();
    }

    @Test
    void userApiCountersAreSeparatePerApiAndUserCountersShared() {
        Limit perUser = user(Window.MINUTE, 3);
        Limit perUserApi = new Limit(Scope.USER_API, Window.MINUTE, 2);
        List<Limit> limits = List.of(perUser, perUserApi);
        Counters c = Counters.empty();
        c = RateLimiter.acquire(c, limits, "a", 2, 1_000).counters();
        Decision sameApi = RateLimiter.check(c, limits, "a", 1, 1_000);
        Decision otherApi = RateLimiter.check(c, limits, "b", 1, 1_000);
        assertThat(sameApi.allowed()).isFalse();
        assertThat(sameApi.scope()).isEqualTo(Scope.USER_API);
        assertThat(otherApi.allowed()).isTrue();
        assertThat(otherApi.scope()).isEqualTo(Scope.USER); // 3 - 2 - 1 = 0 left shared
        assertThat(otherApi.remaining()).isZero();
    }
}
