package io.tollgate.observe;

import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.websocket.WsRouting;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.config.InvalidSettingException;
import io.tollgate.config.Settings;
import io.tollgate.db.Database;
import io.tollgate.decide.DecisionListener;
import io.tollgate.decide.DecisionService;
import io.tollgate.policy.PolicyRepository;
import io.tollgate.policy.PolicyStore;

import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Metrics, traces, CORS and live events, installed around the sidecar by the composition root.
 *
 * <p>Settings (read once here; bad values stop the start naming the key):
 * {@code tollgate.metrics.collect-interval} (default 15s), {@code tollgate.metrics.max-api-labels}
 * (default 100), {@code tollgate.cors.allowed-origins} (default none), {@code tollgate.pricing.*}
 * ({@link Pricing}); tracing from the {@code OTEL_*} variables ({@link Tracing}).
 *
 * <p>Filter order. The original design's middleware order is rate limiting, tracing, metrics, CORS.
 * In the sidecar the rate limiter is not a middleware in front of an API: it is the endpoint itself
 * (the acquire/check handlers), so "rate limiting first" means nothing in front of it may reject a
 * call or do work the decision waits on. Helidon runs filters in the order they are added, each
 * wrapping the rest, and the matched handler last. We add:
 * <ol>
 *   <li>tracing: outermost, so the server span covers everything below and the trace id headers are
 *   on every response, CORS preflights and errors included;</li>
 *   <li>metrics: inside the span (its time is part of the trace), sees the final status;</li>
 *   <li>CORS: innermost, so a preflight it answers is still traced and counted;</li>
 * </ol>
 * then the routes, where the rate-limit decision is made.
 */
public final class Observability implements AutoCloseable {
    private final Meters meters = new Meters();
    private final Tracing tracing;
    private final Instruments instruments;
    private final EventStream events;
    private final ActiveUsers activeUsers = new ActiveUsers();
    private final QuotaThresholds thresholds;
    private final DecisionMetrics decisionMetrics;
    private final ClusterMetrics clusterMetrics;
    private final BusinessCollector collector;
    private final CorsFilter cors;
    private volatile LedgerStatus ledger;
    private volatile DecisionService decisions;

    public Observability(Config config, Settings settings, HazelcastInstance hz, Database database) {
        Config metrics = config.get("tollgate.metrics");
        Duration interval = duration(metrics.get("collect-interval"), "tollgate.metrics.collect-interval", "15s");
        int maxApis = positiveInt(metrics.get("max-api-labels"), "tollgate.metrics.max-api-labels", 100);
        this.cors = new CorsFilter(CorsFilter.parse(config.get("tollgate.cors.allowed-origins").asString().orElse("")));
        Pricing pricing = Pricing.from(config.get("tollgate.pricing"));

        this.tracing = Tracing.fromEnvironment();
        this.instruments = new Instruments(tracing, meters);
        instruments.declare(EntryProcessorTimer.KNOWN, new String[0], LedgerTelemetry.KNOWN);
        Instruments.active = instruments;

        String member = settings.clusterInterface() + ":" + settings.clusterPort();
        this.events = new EventStream(meters, member, new io.tollgate.http.AllowedHosts(settings.allowedHosts()),
                new io.tollgate.http.BearerToken(settings.effectiveEventsToken()), settings.httpLimits().maxEventClients());
        this.thresholds = new QuotaThresholds(events);
        this.decisionMetrics = new DecisionMetrics(meters, new ApiLabels(maxApis), tracing, activeUsers,
                thresholds, events);

        PolicyStore policies = new PolicyStore(new PolicyRepository(database.jdbi(), 1), database.readBackOff(), hz,
                settings.policyRefresh());
        this.collector = new BusinessCollector(hz, database, policies, activeUsers, thresholds, meters,
                () -> ledger == null || ledger.databaseUp(), new BusinessTotals(hz, meters, pricing), decisionMetrics);
        this.clusterMetrics = new ClusterMetrics(hz, meters, events,
                ClusterMember.majorityOf(settings.clusterMembers().size()), collector::dbUp);

        HikariPoolMXBean pool = database.dataSource().getHikariPoolMXBean();
        meters.gauge(MetricNames.DB_POOL, () -> pool == null ? 0 : pool.getActiveConnections(), "state", "active");
        meters.gauge(MetricNames.DB_POOL, () -> pool == null ? 0 : pool.getIdleConnections(), "state", "idle");
        meters.gauge(MetricNames.DB_POOL, () -> pool == null ? 0 : pool.getThreadsAwaitingConnection(),
                "state", "pending");
        ledgerGauge(MetricNames.LEDGER_BACKLOG_USERS, LedgerStatus::backlogUsers);
        ledgerGauge(MetricNames.LEDGER_BACKLOG_REQUESTS, LedgerStatus::backlogRequests);
        ledgerGauge(MetricNames.LEDGER_FLUSH_LAG, LedgerStatus::flushLagSeconds);
        meters.gauge(MetricNames.DECISION_OWED_OPERATIONS, () -> decisions == null ? 0 : decisions.owedOperations());

        collector.start(interval);
    }

    private void ledgerGauge(String name, ToDoubleFunction<LedgerStatus> read) {
        meters.gauge(name, () -> {
            LedgerStatus s = ledger;
            return s == null ? 0.0 : read.applyAsDouble(s);
        });
    }

    /** Told about every decision: counters, latency histograms, denial events, decision spans. */
    public DecisionListener decisionListener() {
        return decisionMetrics;
    }

    /**
     * Adds the filters (tracing, HTTP metrics, CORS: see the class comment for the order), the
     * Prometheus endpoint {@code GET /metrics} and the WebSocket endpoint {@code /api/events}.
     */
    public void install(HttpRouting.Builder routing, WebServerConfig.Builder server) {
        routing.addFilter(new TracingFilter(tracing))
                .addFilter(new HttpMetricsFilter(meters))
                .addFilter(cors);
        // Only our observe feature: the discovered default would add /observe/* endpoints (health among
        // them) beside Tollgate's own /health.
        server.featuresDiscoverServices(false)
                .addFeature(ObserveFeature.builder()
                        .endpoint("/")
                        .observersDiscoverServices(false)
                        .addObserver(MetricsObserver.create())
                        .build())
                .addRouting(WsRouting.builder().endpoint("/api/events", events));
    }

    /** The gRPC front's interceptor: a SERVER span per call, child of the caller's context, and its metrics. */
    public io.grpc.ServerInterceptor grpcInterceptor() {
        return new GrpcObserver(tracing, meters);
    }

    /** Gives the collectors access to the decision path once it exists. */
    public void attach(DecisionService decisions) {
        this.decisions = decisions;
    }

    /** Denials, quota thresholds and member changes also go to {@code sink} (the webhooks' outbox). */
    public void eventSink(io.tollgate.webhook.EventSink sink) {
        events.sink(sink);
    }

    /** Counts and times webhook attempts; the outbox gauges read {@code backlog}. */
    public io.tollgate.webhook.DeliveryListener webhookMetrics(
            java.util.function.Supplier<io.tollgate.webhook.DeliveryListener.Backlog> backlog) {
        return new WebhookMetrics(meters, backlog);
    }

    /** The ledger's backlog and lag for the ledger gauges (0 until set). */
    public void ledgerStatus(LedgerStatus status) {
        this.ledger = status;
    }

    /** The trace id the tracing filter put on this response (for a JSON body's {@code trace_id}). */
    public static String traceId(ServerResponse res) {
        return TracingFilter.traceIdOf(res);
    }

    /** Runs one collector round now (tests). */
    void collectNow() {
        collector.collect();
    }

    Tracing tracing() {
        return tracing;
    }

    int eventConnections() {
        return events.connections();
    }

    @Override
    public void close() {
        collector.close();
        clusterMetrics.close();
        events.close();
        if (Instruments.active == instruments) {
            Instruments.active = null;
        }
        meters.close();
        tracing.close();
    }

    private static Duration duration(Config node, String key, String dflt) {
        String raw = node.asString().orElse(dflt).trim();
        try {
            Duration d = Settings.parseDuration(raw);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidSettingException(key, raw, "must be a positive duration such as 15s");
            }
            return d;
        } catch (RuntimeException e) {
            if (e instanceof InvalidSettingException ise) {
                throw ise;
            }
            throw new InvalidSettingException(key, raw, "must be a positive duration such as 15s");
        }
    }

    private static int positiveInt(Config node, String key, int dflt) {
        String raw = node.asString().orElse(Integer.toString(dflt)).trim();
        try {
            int v = Integer.parseInt(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSettingException(key, raw, "must be a positive whole number");
    }
}
