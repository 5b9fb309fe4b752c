package io.tollgate.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limiting step: {@code (counters, limits, cost, now) -> (decision, counters)}. Pure: no clock,
 * no I/O, no cluster. Every limit is checked before anything is consumed, so a denial by any window
 * consumes nothing in any window.
 */
public final class RateLimiter {

    private RateLimiter() {
    }

    /** What one step decided and the counters it leaves behind (unchanged when denied or only checked). */
    public record Step(Decision decision, Counters counters) {
    }

    /** Consumes {@code cost} in every limit if all of them allow it. */
    public static Step acquire(Counters counters, List<Limit> limits, String apiId, long cost, long now) {
        Decision decision = check(counters, limits, apiId, cost, now);
        if (!decision.allowed() || limits.isEmpty()) {
            return new Step(decision, counters);
        }
        return new Step(decision, consume(counters, limits, apiId, cost, now));
    }

    /** Adds {@code cost} to every limit's counter without checking (an answer already given). */
    public static Counters consume(Counters counters, List<Limit> limits, String apiId, long cost, long now) {
        Map<CounterKey, SlidingWindow> updates = new HashMap<>();
        for (Limit limit : limits) {
            CounterKey key = CounterKey.of(limit, apiId);
            updates.put(key, counters.get(key).plus(now, cost));
        }
        return counters.with(updates, now);
    }

    /** Takes back {@code cost} added at {@code addedAt} in every limit's counter (compensation). */
    public static Counters release(Counters counters, List<Limit> limits, String apiId, long cost, long addedAt,
                                   long now) {
        Map<CounterKey, SlidingWindow> updates = new HashMap<>();
        for (Limit limit : limits) {
            CounterKey key = CounterKey.of(limit, apiId);
            updates.put(key, counters.get(key).minus(addedAt, cost, now));
        }
        return counters.with(updates, now);
    }

    /**
     * Would {@code cost} more fit under every limit? When it would, the decision names the window
     * closest to denying; when it would not, the denying window that frees up last.
     */
    public static Decision check(Counters counters, List<Limit> limits, String apiId, long cost, long now) {
        Decision tightest = null;
        Decision denial = null;
        for (Limit limit : limits) {
            SlidingWindow window = counters.get(CounterKey.of(limit, apiId));
            long used = window.used(now);
            if (used + cost <= limit.max()) {
                long remaining = limit.max() - used - cost;
                long resetAt = window.nextReleaseAtAfterAdding(now, cost);
                Decision d = new Decision(Outcome.ALLOWED, limit.max(), remaining, resetAt, 0,
                        limit.scope(), limit.window(), null);
                if (tightest == null || remaining < tightest.remaining()
                        || (remaining == tightest.remaining() && limit.window().millis() < tightest.window().millis())) {
                    tightest = d;
                }
            } else {
                long fitAt = window.earliestFit(now, cost, limit.max());
                long retryAfter = fitAt == Long.MAX_VALUE ? Long.MAX_VALUE : fitAt - now;
                Decision d = new Decision(Outcome.DENIED_RATE, limit.max(), Math.max(0, limit.max() - used),
                        Math.max(window.nextReleaseAt(now), now), retryAfter, limit.scope(), limit.window(), null);
                if (denial == null || retryAfter > denial.retryAfterMillis()) {
                    denial = d;
                }
            }
        }
        if (denial != null) {
            return denial;
        }
        return tightest != null ? tightest : Decision.unlimited(now);
    }

    /** Per-limit usage, for the read-only listing endpoints. */
    public record Usage(Limit limit, long used, long remaining, long resetAtMillis) {
    }

    public static Usage usage(Counters counters, Limit limit, String apiId, long now) {
        SlidingWindow window = counters.get(CounterKey.of(limit, apiId));
        long used = window.used(now);
        long resetAt = used == 0 ? now : window.nextReleaseAt(now);
        return new Usage(limit, used, Math.max(0, limit.max() - used), resetAt);
    }
}
