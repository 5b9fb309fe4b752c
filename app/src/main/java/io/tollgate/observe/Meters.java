package io.tollgate.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Creates Tollgate's meters in Helidon's global registry and removes them again on close, so that a
 * second sidecar started later in the same JVM (tests) registers its own gauges instead of finding the
 * first one's, which would read a closed cluster member.
 *
 * <p>Timers and summaries publish no client-side percentiles (Helidon adds six by default, each a
 * rotating time-window histogram per series): Prometheus computes quantiles from the buckets.
 */
final class Meters implements AutoCloseable {
    /** Decision latency buckets, seconds: 0.1 ms to 1 s. */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1};
    /** Database queries may take longer than decisions. */
    static final double[] DB_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] NO_PERCENTILES = new double[0];

    private final MeterRegistry registry = Metrics.globalRegistry();
    private final List<Meter> created = new CopyOnWriteArrayList<>();
    private final List<io.micrometer.core.instrument.Meter> createdDirect = new CopyOnWriteArrayList<>();

    Counter counter(String name, String... tags) {
        return keep(registry.getOrCreate(Counter.builder(name).tags(tags(tags))));
    }

    <T> FunctionalCounter functionalCounter(String name, T state, ToLongFunction<T> fn, String... tags) {
        return keep(registry.getOrCreate(FunctionalCounter.builder(name, state, s -> fn.applyAsLong(s))
                .tags(tags(tags))));
    }

    /**
     * A counter of a fractional amount (revenue): Helidon's counters count whole numbers, so this one is
     * made in the Micrometer registry under Helidon's (same /metrics output, type counter, without the
     * {@code scope} label).
     */
    <T> void fractionalCounter(String name, T state, java.util.function.ToDoubleFunction<T> fn, String... tags) {
        io.micrometer.core.instrument.MeterRegistry mm = registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
        createdDirect.add(io.micrometer.core.instrument.FunctionCounter.builder(name, state, fn).tags(tags).register(mm));
    }

    Timer timer(String name, double[] bucketsSeconds, String... tags) {
        Duration[] buckets = new Duration[bucketsSeconds.length];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Duration.ofNanos(Math.round(bucketsSeconds[i] * 1e9));
        }
        return keep(registry.getOrCreate(Timer.builder(name).tags(tags(tags)).buckets(buckets)
                .percentiles(NO_PERCENTILES).publishPercentileHistogram(false)));
    }

    DistributionSummary summary(String name, String baseUnit, String... tags) {
        return keep(registry.getOrCreate(DistributionSummary.builder(name).baseUnit(baseUnit).tags(tags(tags))
                .distributionStatisticsConfig(DistributionStatisticsConfig.builder().percentiles(NO_PERCENTILES))
                .publishPercentileHistogram(false)));
    }

    <N extends Number> Gauge<N> gauge(String name, Supplier<N> value, String... tags) {
        return keep(registry.getOrCreate(Gauge.builder(name, value).tags(tags(tags))));
    }

    private <M extends Meter> M keep(M meter) {
        created.add(meter);
        return meter;
    }

    static List<Tag> tags(String... keyValues) {
        List<Tag> tags = new ArrayList<>(keyValues.length / 2);
        for (int i = 0; i < keyValues.length; i += 2) {
            tags.add(Tag.create(keyValues[i], keyValues[i + 1]));
        }
        return tags;
    }

    @Override
    public void close() {
        for (Meter m : created) {
            registry.remove(m);
        }
        created.clear();
        if (!createdDirect.isEmpty()) {
            io.micrometer.core.instrument.MeterRegistry mm = registry.unwrap(io.micrometer.core.instrument.MeterRegistry.class);
            for (io.micrometer.core.instrument.Meter m : createdDirect) {
                mm.remove(m);
            }
            createdDirect.clear();
        }
    }
}
