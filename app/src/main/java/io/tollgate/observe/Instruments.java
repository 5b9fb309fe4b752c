package io.tollgate.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the static helpers ({@link EntryProcessorTimer}, {@link DbTimer}, {@link LedgerTelemetry}) record
 * into: the running sidecar's meters and tracer.
 *
 * <p>Design note. The helpers are static so that the decision path and the ledger can call them
 * without new constructor parameters. {@link #active} is the most recently started sidecar's
 * instruments (null before one starts, and again after it closes: the helpers then just run the
 * call). Several sidecars in one JVM (tests) share Helidon's global registry anyway; spans of all of
 * them go to the last one's exporter. Label values here (processor, query, result) are constants of
 * our code, so their number is bounded; meters are cached per value so a call allocates nothing here.
 */
final class Instruments {
    static volatile Instruments active;

    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
    static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
    static final AttributeKey<String> PROCESSOR = AttributeKey.stringKey("tollgate.processor");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("tollgate.result");

    final Tracing tracing;
    private final Meters meters;
    private final ConcurrentHashMap<String, Timer> processors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> queries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> flushes = new ConcurrentHashMap<>();

    Instruments(Tracing tracing, Meters meters) {
        this.tracing = tracing;
        this.meters = meters;
    }

    void recordProcessor(String processor, long nanos) {
        processors.computeIfAbsent(processor, p -> meters.timer(MetricNames.ENTRY_PROCESSOR_DURATION,
                Meters.LATENCY_BUCKETS, "processor", p)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void recordQuery(String query, long nanos) {
        queries.computeIfAbsent(query, q -> meters.timer(MetricNames.DB_QUERY_DURATION, Meters.DB_BUCKETS,
                "query", q)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void countFlush(String result) {
        flushes.computeIfAbsent(result, r -> meters.counter(MetricNames.LEDGER_FLUSHES, "result", r)).increment();
    }

    /** A child span of the current one, or null when tracing is off. */
    Span startSpan(String name, SpanKind kind) {
        if (!tracing.enabled()) {
            return null;
        }
        return tracing.tracer().spanBuilder(name).setSpanKind(kind).startSpan();
    }

    static void end(Span span, Throwable error) {
        if (span == null) {
            return;
        }
        if (error != null) {
            span.recordException(error);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** Pre-creates the meters for names known up front, so they show (at 0) before the first call. */
    void declare(String[] processorNames, String[] queryNames, String[] flushResults) {
        for (String p : processorNames) {
            processors.computeIfAbsent(p, x -> meters.timer(MetricNames.ENTRY_PROCESSOR_DURATION,
                    Meters.LATENCY_BUCKETS, "processor", x));
        }
        for (String q : queryNames) {
            queries.computeIfAbsent(q, x -> meters.timer(MetricNames.DB_QUERY_DURATION, Meters.DB_BUCKETS, "query", x));
        }
        for (String r : flushResults) {
            flushes.computeIfAbsent(r, x -> meters.counter(MetricNames.LEDGER_FLUSHES, "result", x));
        }
    }
}
