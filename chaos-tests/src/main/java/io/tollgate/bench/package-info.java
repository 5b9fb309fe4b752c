/**
 * Benchmarks: Tollgate against the original Redis sliding-log design and against Bucket4j on
 * Hazelcast, behind the same Helidon HTTP front and the same acquire JSON contract, driven by one
 * closed-loop load generator. Entry points: {@link io.tollgate.bench.BenchDriver} (everything but
 * JMH), {@link io.tollgate.bench.BaselineServer} (one baseline decision service in its own JVM) and
 * {@link io.tollgate.bench.CoreDecisionBenchmark} (JMH, the pure core). {@code chaos-tests/bench.sh}
 * runs them all and writes {@code chaos-tests/target/bench/}.
 */
package io.tollgate.bench;
