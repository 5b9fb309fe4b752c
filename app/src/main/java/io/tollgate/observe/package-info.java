/**
 * Observability around the sidecar: Prometheus metrics at {@code /metrics} (names in {@link
 * io.tollgate.observe.MetricNames}), OpenTelemetry traces ({@link io.tollgate.observe.Tracing}), CORS, and the
 * live event stream at {@code /api/events} ({@link io.tollgate.observe.EventStream}).
 *
 * <p>Nothing here decides anything: it watches the decision path through {@link
 * io.tollgate.decide.DecisionListener}, wraps the HTTP routing with filters, and offers small timing helpers
 * ({@link io.tollgate.observe.EntryProcessorTimer}, {@link io.tollgate.observe.DbTimer}) that the decision path
 * and the ledger call around their cluster and database calls.
 */
package io.tollgate.observe;
