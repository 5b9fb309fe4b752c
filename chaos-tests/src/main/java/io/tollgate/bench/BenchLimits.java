package io.tollgate.bench;

import io.tollgate.core.Tier;
import io.tollgate.core.Window;

import java.util.List;

/**
 * The limits every benchmark user has: one fixed tier (ENTERPRISE, so that a realistic request rate
 * per user stays mostly allowed and the benchmarks measure the deciding path, not a denial
 * shortcut). Taken from Tollgate's own {@link Tier} so the three systems enforce the same numbers.
 */
final class BenchLimits {

    static final Tier TIER = Tier.ENTERPRISE;

    /** minute, hour, day: the windows of the original design, shortest first. */
    static final List<Window> WINDOWS = List.of(Window.MINUTE, Window.HOUR, Window.DAY);

    private BenchLimits() {
    }

    static long limit(Window window) {
        return TIER.rateLimits().get(window);
    }
}
