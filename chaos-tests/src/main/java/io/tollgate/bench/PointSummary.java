package io.tollgate.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One point (kind, system, concurrency, users) over its repetitions: the median of the throughputs and of
 * each latency percentile (medians taken separately), the throughput's range, and the counts summed over
 * every repetition. With an even count the median is the mean of the two middle values.
 *
 * @param median a {@link Measurement} holding the medians (seconds, calls, allowed, denied and errors are
 *               the sums over the repetitions; its repetition is 0)
 * @param minThroughput the lowest repetition's throughput
 * @param maxThroughput the highest repetition's throughput
 * @param windows the point's repetitions, in order
 */
record PointSummary(Measurement median, double minThroughput, double maxThroughput, List<Measurement> windows) {

    /** How many repetitions the point has. */
    int repetitions() {
        return windows.size();
    }

    /** Half the throughput's range as a percentage of its median: "± x %". */
    double spreadPercent() {
        return median.throughput() == 0 ? 0 : 100 * (maxThroughput - minThroughput) / 2 / median.throughput();
    }

    /** "min–max" of the throughputs, or "" for a single repetition. */
    String range() {
        return repetitions() < 2 ? "" : String.format(Locale.ROOT, "%.0f–%.0f", minThroughput, maxThroughput);
    }

    /** "±x.x%", or "" for a single repetition. */
    String spread() {
        return repetitions() < 2 ? "" : String.format(Locale.ROOT, "±%.1f%%", spreadPercent());
    }

    /**
     * The points of {@code measurements}, in order. A point's repetitions are consecutive and numbered from 1,
     * so a point measured twice in one run (e.g. {@code --cold-levels 16,200,16}) stays two points.
     */
    static List<PointSummary> of(List<Measurement> measurements) {
        List<List<Measurement>> points = new ArrayList<>();
        List<Measurement> current = null;
        for (Measurement m : measurements) {
            if (current == null || m.repetition() <= 1 || !samePoint(current.getLast(), m)) {
                current = new ArrayList<>();
                points.add(current);
            }
            current.add(m);
        }
        List<PointSummary> result = new ArrayList<>();
        for (List<Measurement> reps : points) {
            result.add(summarize(reps));
        }
        return result;
    }

    private static boolean samePoint(Measurement a, Measurement b) {
        return a.kind().equals(b.kind()) && a.system().equals(b.system()) && a.concurrency() == b.concurrency()
                && a.users() == b.users();
    }

    static PointSummary summarize(List<Measurement> reps) {
        Measurement first = reps.getFirst();
        double seconds = 0;
        long calls = 0;
        long allowed = 0;
        long denied = 0;
        long errors = 0;
        for (Measurement m : reps) {
            seconds += m.seconds();
            calls += m.calls();
            allowed += m.allowed();
            denied += m.denied();
            errors += m.errors();
        }
        Measurement median = new Measurement(first.kind(), first.system(), first.concurrency(), first.users(), seconds,
                calls, allowed, denied, errors, median(reps, Measurement::throughput), median(reps, Measurement::p50Micros),
                median(reps, Measurement::p99Micros), median(reps, Measurement::p999Micros),
                median(reps, Measurement::maxMicros), 0, median(reps, Measurement::offeredPerSecond));
        double min = reps.stream().mapToDouble(Measurement::throughput).min().orElse(0);
        double max = reps.stream().mapToDouble(Measurement::throughput).max().orElse(0);
        return new PointSummary(median, min, max, List.copyOf(reps));
    }

    static double median(List<Measurement> reps, ToDoubleFunction<Measurement> field) {
        double[] v = reps.stream().mapToDouble(field).toArray();
        return median(v);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
