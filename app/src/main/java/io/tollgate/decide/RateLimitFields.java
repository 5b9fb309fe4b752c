package io.tollgate.decide;

import io.tollgate.core.Decision;

/**
 * The rate-limit header fields of one decision, the same for every front: HTTP writes them as response
 * headers, gRPC as Envoy's {@code response_headers_to_add}. Each front maps the field numbers below to header
 * names it made once, so a decision costs a few {@code Long.toString} calls and no map.
 */
public final class RateLimitFields {
    public static final int LIMIT = 0;
    public static final int REMAINING = 1;
    public static final int RESET = 2;
    public static final int RETRY_AFTER = 3;
    /** The header names, indexed by the field numbers above. */
    public static final String[] NAMES = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
            "Retry-After"};

    /** Receives one header field. */
    @FunctionalInterface
    public interface Sink {
        void field(int field, String value);
    }

    private RateLimitFields() {
    }

    /** Writes the fields of {@code result}: limit, remaining and reset when a limit applies, Retry-After on a denial. */
    public static void write(DecisionResult result, Sink sink) {
        Decision d = result.decision();
        if (d.limit() > 0) {
            sink.field(LIMIT, Long.toString(d.limit()));
            sink.field(REMAINING, Long.toString(d.remaining()));
            sink.field(RESET, Long.toString(ceilSeconds(d.resetAtMillis())));
        }
        if (!d.allowed()) {
            sink.field(RETRY_AFTER, Long.toString(retryAfterSeconds(d.retryAfterMillis())));
        }
    }

    public static long ceilSeconds(long millis) {
        return Math.floorDiv(millis + 999, 1000);
    }

    /** Whole seconds, at least 1 for a denial; a cost that can never fit waits a full day. */
    public static long retryAfterSeconds(long millis) {
        if (millis == Long.MAX_VALUE) {
            return 86_400;
        }
        return Math.max(1, ceilSeconds(millis));
    }
}
