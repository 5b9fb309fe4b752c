package io.tollgate.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.tollgate.core.Decision;
import io.tollgate.core.Outcome;
import io.tollgate.core.Tier;
import io.tollgate.decide.CallRequest;
import io.tollgate.decide.DecisionListener;
import io.tollgate.decide.DecisionResult;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Told about every decision by DecisionService: counts it by kind, outcome, tier and API, times it,
 * counts billed request units and revenue, notes the user as active, and hands denials and quota
 * crossings to the event stream; with tracing on, records the decision as a span.
 *
 * <p>Cost on the acquire path: a map read for the API's meters (an array of counters created on first
 * use), one counter increment, one timer record, a {@link LongAdder} add and a set lookup; events and
 * spans only when a client is connected or tracing is on. Never throws (a listener must not break a
 * decision): failures are logged at FINE.
 *
 * <p>Billed units (for {@code tollgate_api_calls_total}, see {@link BusinessTotals}) are the cost of
 * allowed acquires, fail-open answers included (the ledger counts them once the cluster takes them),
 * replays of an earlier request_id excluded.
 */
final class DecisionMetrics implements DecisionListener {
    private static final Logger LOG = Logger.getLogger(DecisionMetrics.class.getName());
    private static final Kind[] KINDS = Kind.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final Tier[] TIERS = Tier.values();
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("tollgate.kind");
    private static final AttributeKey<String> TIER = AttributeKey.stringKey("tollgate.tier");
    private static final AttributeKey<String> API = AttributeKey.stringKey("tollgate.api");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tollgate.outcome");
    private static final AttributeKey<String> WINDOW = AttributeKey.stringKey("tollgate.window");
    private static final AttributeKey<String> SCOPE = AttributeKey.stringKey("tollgate.scope");
    private static final AttributeKey<String> QUOTA = AttributeKey.stringKey("tollgate.quota");
    private static final AttributeKey<Long> COST = AttributeKey.longKey("tollgate.cost");
    private static final AttributeKey<Boolean> REPLAYED = AttributeKey.booleanKey("tollgate.replayed");

    private final Meters meters;
    private final ApiLabels apis;
    private final Tracing tracing;
    private final ActiveUsers activeUsers;
    private final QuotaThresholds thresholds;
    private final EventStream events;
    private final Timer[] durations = new Timer[KINDS.length];
    private final ConcurrentHashMap<String, ApiMeters> byApi = new ConcurrentHashMap<>();

    DecisionMetrics(Meters meters, ApiLabels apis, Tracing tracing, ActiveUsers activeUsers,
                    QuotaThresholds thresholds, EventStream events) {
        this.meters = meters;
        this.apis = apis;
        this.tracing = tracing;
        this.activeUsers = activeUsers;
        this.thresholds = thresholds;
        this.events = events;
        for (Kind k : KINDS) {
            durations[k.ordinal()] = meters.timer(MetricNames.DECISION_DURATION, Meters.LATENCY_BUCKETS,
                    "kind", kindLabel(k));
        }
    }

    @Override
    public void decided(Kind kind, CallRequest call, DecisionResult result, long nanos) {
        try {
            Decision d = result.decision();
            Tier tier = result.tier();
            String api = apis.of(call.apiId());
            ApiMeters m = byApi.get(api);
            if (m == null) {
                m = byApi.computeIfAbsent(api, ApiMeters::new);
            }
            m.decisions(kind, d.outcome(), tier).increment();
            durations[kind.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
            if (kind == Kind.ACQUIRE) {
                if (!result.replayed()) {
                    if (d.allowed()) {
                        m.calls(tier).add(call.cost());
                    }
                    activeUsers.seen(call.userId());
                }
                if (events.hasListeners()) {
                    if (!d.allowed()) {
                        events.publish(EventStream.DENIAL, denial(call, result));
                    }
                    thresholds.onDecision(call.userId(), tier, d);
                }
            }
            if (tracing.enabled()) {
                span(kind, call, result, nanos);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "decision metrics failed", e);
        }
    }

    private void span(Kind kind, CallRequest call, DecisionResult result, long nanos) {
        Decision d = result.decision();
        Instant end = Instant.now();
        long endNanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
        Span span = tracing.tracer().spanBuilder("tollgate decide " + kindLabel(kind))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(endNanos - nanos, TimeUnit.NANOSECONDS)
                .setAttribute(KIND, kindLabel(kind))
                .setAttribute(TIER, result.tier().wireName())
                .setAttribute(API, call.apiId())
                .setAttribute(OUTCOME, d.outcome().wireName())
                .setAttribute(COST, call.cost())
                .setAttribute(REPLAYED, result.replayed())
                .startSpan();
        if (d.window() != null) {
            span.setAttribute(WINDOW, d.window().wireName());
        }
        if (d.scope() != null) {
            span.setAttribute(SCOPE, d.scope().wireName());
        }
        if (d.meter() != null) {
            span.setAttribute(QUOTA, d.meter().wireName());
        }
        if (d.outcome() == Outcome.FAILURE_CLOSED || d.outcome() == Outcome.FAILURE_OPEN) {
            span.setStatus(StatusCode.ERROR, "answered by the failure policy");
        }
        span.end(endNanos, TimeUnit.NANOSECONDS);
    }

    private static Map<String, Object> denial(CallRequest call, DecisionResult result) {
        Decision d = result.decision();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("user_id", call.userId());
        e.put("api_id", call.apiId());
        e.put("tier", result.tier().wireName());
        e.put("outcome", d.outcome().wireName());
        e.put("scope", d.scope() == null ? null : d.scope().wireName());
        e.put("window", d.window() == null ? null : d.window().wireName());
        e.put("quota", d.meter() == null ? null : d.meter().wireName());
        e.put("limit", d.limit());
        e.put("cost", call.cost());
        e.put("retry_after_ms", d.retryAfterMillis() == Long.MAX_VALUE ? -1 : d.retryAfterMillis());
        return e;
    }

    static String kindLabel(Kind kind) {
        return kind == Kind.ACQUIRE ? "acquire" : "check";
    }

    /** Calls to each (tier, api label) counted on this member so far, for {@link BusinessTotals}. */
    void forEachCalls(CallsVisitor visitor) {
        byApi.forEach((api, m) -> {
            for (Tier t : TIERS) {
                LongAdder a = m.calls.get(t.ordinal());
                if (a != null) {
                    visitor.visit(t, api, a.sum());
                }
            }
        });
    }

    interface CallsVisitor {
        void visit(Tier tier, String api, long total);
    }

    /** One API label's meters, created on first use. */
    private final class ApiMeters {
        private final String api;
        private final AtomicReferenceArray<Counter> decisions =
                new AtomicReferenceArray<>(KINDS.length * OUTCOMES.length * TIERS.length);
        private final AtomicReferenceArray<LongAdder> calls = new AtomicReferenceArray<>(TIERS.length);

        ApiMeters(String api) {
            this.api = api;
        }

        Counter decisions(Kind kind, Outcome outcome, Tier tier) {
            int i = (kind.ordinal() * OUTCOMES.length + outcome.ordinal()) * TIERS.length + tier.ordinal();
            Counter c = decisions.get(i);
            if (c == null) {
                c = meters.counter(MetricNames.DECISIONS, "kind", kindLabel(kind), "outcome", outcome.wireName(),
                        "tier", tier.wireName(), "api", api);
                decisions.set(i, c);
            }
            return c;
        }

        LongAdder calls(Tier tier) {
            LongAdder a = calls.get(tier.ordinal());
            if (a == null) {
                calls.compareAndSet(tier.ordinal(), null, new LongAdder());
                a = calls.get(tier.ordinal());
            }
            return a;
        }
    }
}
