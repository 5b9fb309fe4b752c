package io.tollgate.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Timer;
import io.tollgate.webhook.DeliveryListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The webhook series: attempts by outcome, attempt latency, dropped events, and the outbox's backlog. */
final class WebhookMetrics implements DeliveryListener {
    private static final double[] ATTEMPT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Meters meters;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();
    private final Timer duration;

    WebhookMetrics(Meters meters, Supplier<Backlog> backlog) {
        this.meters = meters;
        this.duration = meters.timer(MetricNames.WEBHOOK_ATTEMPT_DURATION, ATTEMPT_BUCKETS);
        for (String o : new String[] {DELIVERED, FAILED, DEAD, GONE}) {
            outcome(o);
        }
        meters.gauge(MetricNames.WEBHOOK_OUTBOX_BACKLOG, () -> backlog.get().pending());
        meters.gauge(MetricNames.WEBHOOK_OUTBOX_OLDEST_AGE, () -> backlog.get().oldestAgeSeconds());
    }

    private Counter outcome(String o) {
        return outcomes.computeIfAbsent(o, x -> meters.counter(MetricNames.WEBHOOK_DELIVERIES, "outcome", x));
    }

    @Override
    public void attempted(String outcome, long nanos) {
        outcome(outcome).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void dropped(String reason) {
        drops.computeIfAbsent(reason, r -> meters.counter(MetricNames.WEBHOOK_EVENTS_DROPPED, "reason", r)).increment();
    }
}
