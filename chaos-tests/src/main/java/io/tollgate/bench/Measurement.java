package io.tollgate.bench;

/**
 * One measured point. Latencies in microseconds; throughput in calls per second over the
 * measurement interval (warm-up excluded).
 *
 * @param kind "http", "cold" (never-seen users), "backend" or "scale"
 */
record Measurement(String kind, String system, int concurrency, long users, double seconds, long calls,
                   long allowed, long denied, long errors, double throughput,
                   double p50Micros, double p99Micros, double p999Micros, double maxMicros) {
}
