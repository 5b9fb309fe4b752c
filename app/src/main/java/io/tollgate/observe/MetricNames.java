package io.tollgate.observe;

/**
 * Every metric Tollgate exports, named in one place. The constants are the names given to Helidon's
 * (Micrometer) registry; the Prometheus names in the comments are what {@code GET /metrics} shows
 * (dots become underscores, counters gain {@code _total}, timers {@code _seconds}, summaries with a
 * base unit {@code _bytes}). deploy/ (alert rules, dashboards) and METRICS.md depend on those Prometheus
 * names: do not rename.
 *
 * <p>Helidon adds a {@code scope="application"} label to every Tollgate series; no label ever carries a
 * user id, and API ids pass through {@link ApiLabels} (capped, the rest {@code other}).
 */
public final class MetricNames {
    private MetricNames() {
    }

    // HTTP
    /** tollgate_http_requests_total{route,method,status} counter. */
    public static final String HTTP_REQUESTS = "tollgate.http.requests";
    /** tollgate_http_request_duration_seconds{route,method} histogram. */
    public static final String HTTP_DURATION = "tollgate.http.request.duration";
    /** tollgate_http_request_size_bytes{route} summary. */
    public static final String HTTP_REQUEST_SIZE = "tollgate.http.request.size";
    /** tollgate_http_response_size_bytes{route} summary. */
    public static final String HTTP_RESPONSE_SIZE = "tollgate.http.response.size";

    // gRPC (Envoy's rate limit service)
    /** tollgate_grpc_requests_total{method,code} counter: calls by full method name and gRPC status code. */
    public static final String GRPC_REQUESTS = "tollgate.grpc.requests";
    /** tollgate_grpc_request_duration_seconds{method} histogram. */
    public static final String GRPC_DURATION = "tollgate.grpc.request.duration";

    // Decisions
    /** tollgate_decisions_total{kind,outcome,tier,api} counter. */
    public static final String DECISIONS = "tollgate.decisions";
    /** tollgate_decision_duration_seconds{kind} histogram. */
    public static final String DECISION_DURATION = "tollgate.decision.duration";

    // Business
    /** tollgate_api_calls_total{tier,api} counter: billed request units, cluster-wide (same on every member). */
    public static final String API_CALLS = "tollgate.api.calls";
    /** tollgate_revenue_total{tier,api} counter (currency units; made in Micrometer directly, no scope label). */
    public static final String REVENUE = "tollgate.revenue";
    /** tollgate_active_users{period="day"|"billing"} gauge, cluster-wide estimate. */
    public static final String ACTIVE_USERS = "tollgate.active.users";
    /** tollgate_quota_used{tier,meter} gauge, over the users whose entries this member owns. */
    public static final String QUOTA_USED = "tollgate.quota.used";
    /** tollgate_quota_limit{tier,meter} gauge, the sum of those users' quota limits. */
    public static final String QUOTA_LIMIT = "tollgate.quota.limit";
    /** tollgate_quota_users_over_threshold{tier,meter,threshold="0.8"|"1.0"} gauge. */
    public static final String QUOTA_USERS_OVER = "tollgate.quota.users.over.threshold";

    // Database and ledger
    /** tollgate_db_up gauge (1 when the database answered the collector's last probe). */
    public static final String DB_UP = "tollgate.db.up";
    /** tollgate_db_pool_connections{state="active"|"idle"|"pending"} gauge. */
    public static final String DB_POOL = "tollgate.db.pool.connections";
    /** tollgate_db_query_duration_seconds{query} histogram. */
    public static final String DB_QUERY_DURATION = "tollgate.db.query.duration";
    /** tollgate_ledger_backlog_users gauge. */
    public static final String LEDGER_BACKLOG_USERS = "tollgate.ledger.backlog.users";
    /** tollgate_ledger_backlog_requests gauge. */
    public static final String LEDGER_BACKLOG_REQUESTS = "tollgate.ledger.backlog.requests";
    /** tollgate_ledger_flush_lag_seconds gauge. */
    public static final String LEDGER_FLUSH_LAG = "tollgate.ledger.flush.lag.seconds";
    /** tollgate_ledger_flushes_total{result} counter. */
    public static final String LEDGER_FLUSHES = "tollgate.ledger.flushes";

    // Cluster
    /** tollgate_cluster_members gauge. */
    public static final String CLUSTER_MEMBERS = "tollgate.cluster.members";
    /** tollgate_cluster_partitions_owned gauge. */
    public static final String CLUSTER_PARTITIONS_OWNED = "tollgate.cluster.partitions.owned";
    /** tollgate_cluster_migrations_total counter. */
    public static final String CLUSTER_MIGRATIONS = "tollgate.cluster.migrations";
    /** tollgate_cluster_map_entries{map} gauge (entries this member owns). */
    public static final String CLUSTER_MAP_ENTRIES = "tollgate.cluster.map.entries";
    /** tollgate_cluster_map_memory_bytes{map} gauge (memory cost of the owned entries). */
    public static final String CLUSTER_MAP_MEMORY = "tollgate.cluster.map.memory.bytes";
    /** tollgate_entry_processor_duration_seconds{processor} histogram. */
    public static final String ENTRY_PROCESSOR_DURATION = "tollgate.entry.processor.duration";
    /** tollgate_cluster_member_events_total{type="joined"|"left"} counter. */
    public static final String CLUSTER_MEMBER_EVENTS = "tollgate.cluster.member.events";
    /** tollgate_memory_heap_after_gc_ratio gauge: share of the maximum heap in use after the latest collection. */
    public static final String MEMORY_HEAP_AFTER_GC = "tollgate.memory.heap.after.gc.ratio";
    /** tollgate_memory_new_users_admitted gauge: 1, or 0 while this member sheds never-seen users (MemoryValve). */
    public static final String MEMORY_NEW_USERS_ADMITTED = "tollgate.memory.new.users.admitted";
    /** tollgate_idempotency_evictions_total counter: first answers this member evicted at the map's size cap. */
    public static final String IDEMPOTENCY_EVICTIONS = "tollgate.idempotency.evictions";
    /** tollgate_ready gauge (1 when /health/ready would answer 200). */
    public static final String READY = "tollgate.ready";

    // Events
    /** tollgate_events_connections gauge. */
    public static final String EVENTS_CONNECTIONS = "tollgate.events.connections";
    /** tollgate_events_sent_total{type} counter (one per message per connection). */
    public static final String EVENTS_SENT = "tollgate.events.sent";
    /** tollgate_decision_owed_operations gauge: fail-open/closed answers still waiting for the cluster. */
    public static final String DECISION_OWED_OPERATIONS = "tollgate.decision.owed.operations";
    /** tollgate_events_dropped_total counter (a slow client's queue was full). */
    public static final String EVENTS_DROPPED = "tollgate.events.dropped";

    // Webhooks
    /** tollgate_webhook_deliveries_total{outcome="delivered"|"failed"|"dead"|"gone"} counter: attempts by result. */
    public static final String WEBHOOK_DELIVERIES = "tollgate.webhook.deliveries";
    /** tollgate_webhook_attempt_duration_seconds histogram: one delivery attempt, connect to capped response body. */
    public static final String WEBHOOK_ATTEMPT_DURATION = "tollgate.webhook.attempt.duration";
    /** tollgate_webhook_outbox_backlog gauge: deliveries pending in the whole outbox (the same on every member). */
    public static final String WEBHOOK_OUTBOX_BACKLOG = "tollgate.webhook.outbox.backlog";
    /** tollgate_webhook_outbox_oldest_age_seconds gauge: age of the oldest pending delivery's event. */
    public static final String WEBHOOK_OUTBOX_OLDEST_AGE = "tollgate.webhook.outbox.oldest.age.seconds";
    /** tollgate_webhook_events_dropped_total{reason} counter: events lost before the outbox (memory queue full). */
    public static final String WEBHOOK_EVENTS_DROPPED = "tollgate.webhook.events.dropped";
}
