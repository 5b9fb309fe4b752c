package io.tollgate.bench;

/**
 * One measured window of one point. Latencies in microseconds; throughput in calls per second over the
 * measurement window (warm-up excluded). A point measured N times gives N of these, repetitions 1..N,
 * taken back to back on the same started system after one warm-up; {@link PointSummary} condenses them.
 *
 * @param kind "http", "cold" (never-seen users), "backend", "scale", "open" (open loop) or "many" (skewed users)
 * @param repetition 1..N within its point
 * @param offeredPerSecond the open loop's arrival rate (then throughput is the achieved rate); 0 for a closed loop
 */
record Measurement(String kind, String system, int concurrency, long users, double seconds, long calls,
                   long allowed, long denied, long errors, double throughput,
                   double p50Micros, double p99Micros, double p999Micros, double maxMicros, int repetition,
                   double offeredPerSecond) {
}
