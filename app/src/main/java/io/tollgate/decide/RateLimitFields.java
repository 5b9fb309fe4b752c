package io.tollgate.decide;

import io.tollgate.config.InvalidSettingException;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.BillingPeriod;
import io.tollgate.core.Decision;
import io.tollgate.core.Limit;
import io.tollgate.core.Meter;
import io.tollgate.core.Scope;
import io.tollgate.core.Window;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The rate-limit header fields of one decision, the same for every front: HTTP writes them as response headers,
 * gRPC as Envoy's {@code response_headers_to_add}. Each front maps the field numbers below to header names it made
 * once, so no map is built per decision.
 *
 * <p>Two families, chosen by {@code tollgate.http.ratelimit-headers} ({@link Style}):
 * <ul>
 * <li>legacy: {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset} (epoch seconds) of the window closest
 *     to denying, and {@code Retry-After} on a denial;</li>
 * <li>ietf (draft-ietf-httpapi-ratelimit-headers-11, Structured Fields): {@code RateLimit-Policy} lists every limit
 *     that applied as an item {@code "minute";q=10;w=60} (quota units and window seconds), and {@code RateLimit}
 *     names the one closest to denying, {@code "minute";r=9;t=41} (units left, seconds until it frees capacity).
 *     {@code Retry-After} on a denial belongs to both.</li>
 * </ul>
 * Policy names: {@code second}..{@code month} for the user's own windows, {@code api-minute} etc. for the user's
 * limits on this API, {@code global-minute} etc. for the API's global limits, {@code quota} for the billing cycle's
 * request quota (its window the current period's length), and {@code quota-bandwidth_bytes} /
 * {@code quota-compute_ms} when one of those quotas decided.
 */
public final class RateLimitFields {
    public static final int LIMIT = 0;
    public static final int REMAINING = 1;
    public static final int RESET = 2;
    public static final int RETRY_AFTER = 3;
    public static final int POLICY = 4;
    public static final int RATELIMIT = 5;
    /** The header names, indexed by the field numbers above. */
    public static final String[] NAMES = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
            "Retry-After", "RateLimit-Policy", "RateLimit"};

    /** Which header family a decision carries. */
    public enum Style {
        BOTH, IETF, LEGACY;

        /** The value of {@code tollgate.http.ratelimit-headers}: both (default), ietf or legacy. */
        public static Style parse(String raw) {
            for (Style s : values()) {
                if (s.name().equalsIgnoreCase(raw.trim())) {
                    return s;
                }
            }
            throw new InvalidSettingException("tollgate.http.ratelimit-headers", raw, "must be both, ietf or legacy");
        }

        boolean legacy() {
            return this != IETF;
        }

        boolean ietf() {
            return this != LEGACY;
        }
    }

    /** Receives one header field. */
    @FunctionalInterface
    public interface Sink {
        void field(int field, String value);
    }

    private static final Window[] WINDOWS = Window.values();
    /** Quoted policy names by scope ordinal and window ordinal, made once. */
    private static final String[][] QUOTED = new String[Scope.values().length][WINDOWS.length];
    private static final String QUOTA = "\"quota\"";

    static {
        for (Scope scope : Scope.values()) {
            String prefix = switch (scope) {
                case USER -> "";
                case USER_API -> "api-";
                case API -> "global-";
            };
            for (Window w : WINDOWS) {
                QUOTED[scope.ordinal()][w.ordinal()] = "\"" + prefix + w.wireName() + "\"";
            }
        }
    }

    /** The billing period last looked up, so that calls in one period do not compute it again. */
    private static volatile CachedPeriod lastPeriod;

    private record CachedPeriod(BillingCycle cycle, long startMillis, long endMillis) {
    }

    private RateLimitFields() {
    }

    /** Writes the fields of {@code result} in {@code style}. */
    public static void write(DecisionResult result, Style style, Sink sink) {
        Decision d = result.decision();
        long now = System.currentTimeMillis();
        if (style.legacy() && d.limit() > 0) {
            sink.field(LIMIT, Long.toString(d.limit()));
            sink.field(REMAINING, Long.toString(d.remaining()));
            sink.field(RESET, Long.toString(ceilSeconds(d.resetAtMillis())));
        }
        if (style.ietf()) {
            String policy = policy(result.applied(), now);
            if (policy != null) {
                sink.field(POLICY, policy);
            }
            if (d.limit() > 0) {
                sink.field(RATELIMIT, nameOf(d) + ";r=" + Math.max(0, d.remaining())
                        + ";t=" + Math.max(0, ceilSeconds(d.resetAtMillis() - now)));
            }
        }
        if (!d.allowed()) {
            sink.field(RETRY_AFTER, Long.toString(retryAfterSeconds(d.retryAfterMillis())));
        }
    }

    /** The RateLimit-Policy list, or null when nothing applied is known. */
    static String policy(DecisionResult.Applied applied, long now) {
        if (applied == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(160);
        items(b, applied.limits());
        items(b, applied.globalLimits());
        if (applied.quota() != null && applied.cycle() != null) {
            separate(b).append(QUOTA).append(";q=").append(applied.quota().requests())
                    .append(";w=").append(periodSeconds(applied.cycle(), now));
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static void items(StringBuilder b, List<Limit> limits) {
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            separate(b).append(QUOTED[l.scope().ordinal()][l.window().ordinal()])
                    .append(";q=").append(l.max()).append(";w=").append(l.window().millis() / 1000);
        }
    }

    private static StringBuilder separate(StringBuilder b) {
        return b.isEmpty() ? b : b.append(", ");
    }

    private static String nameOf(Decision d) {
        if (d.meter() != null) {
            return d.meter() == Meter.REQUESTS ? QUOTA : "\"quota-" + d.meter().wireName().toLowerCase(Locale.ROOT) + "\"";
        }
        return QUOTED[d.scope().ordinal()][d.window().ordinal()];
    }

    /** The length of the billing period that holds {@code now}, in seconds. */
    private static long periodSeconds(BillingCycle cycle, long now) {
        CachedPeriod p = lastPeriod;
        if (p == null || !p.cycle().equals(cycle) || now < p.startMillis() || now >= p.endMillis()) {
            BillingPeriod period = cycle.periodAt(Instant.ofEpochMilli(now));
            p = new CachedPeriod(cycle, period.start().toEpochMilli(), period.end().toEpochMilli());
            lastPeriod = p;
        }
        return (p.endMillis() - p.startMillis()) / 1000;
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
