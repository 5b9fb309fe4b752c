package io.tollgate;

import com.hazelcast.core.HazelcastInstance;
import io.helidon.config.Config;
import io.helidon.http.HttpException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.ClusterUnavailable;
import io.tollgate.config.Settings;
import io.tollgate.db.Database;
import io.tollgate.decide.DecisionListener;
import io.tollgate.decide.DecisionService;
import io.tollgate.decide.RequestIdReused;
import io.tollgate.decide.UsageShed;
import io.tollgate.http.AdminService;
import io.tollgate.http.AllowedHosts;
import io.tollgate.http.BearerToken;
import io.tollgate.http.ReadDeadlines;
import io.tollgate.http.RequestGuard;
import io.tollgate.http.BadRequest;
import io.tollgate.http.HealthService;
import io.tollgate.http.HttpWarmUp;
import io.tollgate.http.Json;
import io.tollgate.http.RateLimitService;
import io.tollgate.http.UsageService;
import io.tollgate.http.QuotaService;
import io.tollgate.http.LedgerAdminService;
import io.tollgate.grpc.EnvoyRateLimitService;
import io.tollgate.grpc.GrpcSettings;
import io.helidon.webserver.grpc.GrpcRouting;
import io.tollgate.ledger.LedgerFlusher;
import io.tollgate.ledger.LedgerRepository;
import io.tollgate.ledger.LedgerBases;
import io.tollgate.ledger.LedgerExport;
import io.tollgate.observe.LedgerStatus;
import io.tollgate.observe.Observability;
import io.tollgate.policy.PolicyRepository;
import io.tollgate.policy.PolicyStore;
import io.tollgate.http.WebhookService;
import io.tollgate.webhook.DeliveryListener;
import io.tollgate.webhook.OutboxRepository;
import io.tollgate.webhook.TargetPolicy;
import io.tollgate.webhook.WebhookDispatcher;
import io.tollgate.webhook.WebhookEvents;
import io.tollgate.webhook.WebhookSettings;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The composition root: one sidecar (database, cluster member, decision path, HTTP server). */
public final class Tollgate implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Tollgate.class.getName());
    /** The named listener of the admin API (tollgate.admin.host / tollgate.admin.port). */
    public static final String ADMIN_SOCKET = "admin";
    private static final java.time.Duration TAKE_DATA_WITHIN = java.time.Duration.ofSeconds(60);
    private static final java.time.Duration MIGRATIONS_WITHIN = java.time.Duration.ofSeconds(10);
    private static final int WARM_UP_CALLS = 300;
    private static final java.time.Duration WARM_UP_BUDGET = java.time.Duration.ofSeconds(3);
    /** Helidon's own stop waits at most about twice its grace period (0.5 s) for open connections. */
    private static final java.time.Duration WEB_SERVER_STOP_WITHIN = java.time.Duration.ofSeconds(10);
    /** The listener that serves Envoy's rate limit service (tollgate.grpc.*). */
    public static final String GRPC_SOCKET = "grpc";

    private final Settings settings;
    private final Database database;
    private final HazelcastInstance hz;
    private final DecisionService decisions;
    private final Observability observability;
    private final LedgerFlusher flusher;
    private final WebhookEvents webhookEvents;
    private final WebhookDispatcher dispatcher;
    private final WebServer server;
    private final GrpcSettings grpcSettings;
    private final Map<String, io.helidon.webserver.http.HttpService> mounts;

    private Tollgate(Map<String, io.helidon.webserver.http.HttpService> mounts, GrpcSettings grpcSettings, Settings settings, Database database, HazelcastInstance hz, DecisionService decisions,
                     Observability observability, LedgerFlusher flusher, WebhookEvents webhookEvents,
                     WebhookDispatcher dispatcher, WebServer server) {
        this.mounts = mounts;
        this.grpcSettings = grpcSettings;
        this.webhookEvents = webhookEvents;
        this.dispatcher = dispatcher;
        this.observability = observability;
        this.flusher = flusher;
        this.settings = settings;
        this.database = database;
        this.hz = hz;
        this.decisions = decisions;
        this.server = server;
    }

    public static Tollgate start(Config config) {
        Settings settings = Settings.from(config);
        Database database = Database.open(settings);
        PolicyRepository policyRepository = new PolicyRepository(database.jdbi(), database.concurrentReaders());
        WebhookSettings webhookSettings = WebhookSettings.from(config);
        GrpcSettings grpcSettings = GrpcSettings.from(config);
        HazelcastInstance hz = ClusterMember.start(settings);
        // Joined as a lite member. Where the others already make a majority, this member warms up before it takes
        // any partition; otherwise nothing can be counted until it holds data, so it takes it at once.
        boolean warmUpFirst = ClusterMember.othersHoldAMajority(hz, settings);
        if (!warmUpFirst) {
            ClusterMember.takeData(hz, TAKE_DATA_WITHIN);
        }
        ClusterMember.awaitWritesAccepted(hz, settings, java.time.Duration.ofSeconds(10));
        PolicyStore policies = new PolicyStore(policyRepository, database.readBackOff(), hz, settings.policyRefresh());
        Observability observability = new Observability(config, settings, hz, database);
        OutboxRepository outbox = new OutboxRepository(database.jdbi());
        WebhookDispatcher.Backlog backlog = new WebhookDispatcher.Backlog();
        DeliveryListener webhookMetrics = observability.webhookMetrics(backlog);
        WebhookEvents webhookEvents = new WebhookEvents(outbox, webhookSettings, webhookMetrics);
        observability.eventSink(webhookEvents);
        // usage_flushed events are written in the flush transaction itself.
        LedgerRepository ledger = new LedgerRepository(database.jdbi(), settings.closedPeriodGrace().toMillis(),
                database.concurrentReaders(), webhookEvents);
        // Decisions reach metrics and live events only once the sidecar serves: the warm-up's are nobody's.
        java.util.concurrent.atomic.AtomicBoolean serving = new java.util.concurrent.atomic.AtomicBoolean();
        DecisionListener metrics = observability.decisionListener();
        DecisionService decisions = new DecisionService(hz, policies, new LedgerBases(ledger, database.readBackOff()), settings,
                (kind, call, result, nanos) -> {
                    if (serving.get()) {
                        metrics.decided(kind, call, result, nanos);
                    }
                });
        observability.attach(decisions);
        LedgerFlusher flusher = new LedgerFlusher(hz, ledger, settings.flushInterval(), settings.opMemoryHorizon().toMillis());
        observability.ledgerStatus(new LedgerStatus() {
            @Override
            public long backlogUsers() {
                return flusher.status().backlogUsers();
            }

            @Override
            public long backlogRequests() {
                return flusher.status().backlogRequests();
            }

            @Override
            public double flushLagSeconds() {
                return flusher.status().lagSeconds();
            }

            @Override
            public boolean databaseUp() {
                return flusher.status().lastFlushOk();
            }
        });
        TargetPolicy targets = new TargetPolicy(webhookSettings);
        WebhookDispatcher dispatcher = new WebhookDispatcher(outbox, webhookEvents, webhookSettings, targets, webhookMetrics,
                settings.clusterInterface() + ":" + settings.clusterPort());
        backlog.of(dispatcher);
        HealthService health = new HealthService(hz, database, settings,
                () -> Map.of("owed_operations", decisions.owedOperations(), "ledger", flusher.status().toJson()));
        io.tollgate.decide.RateLimitFields.Style headerStyle = io.tollgate.decide.RateLimitFields.Style.parse(
                config.get("tollgate.http.ratelimit-headers").asString().orElse("both"));
        RateLimitService rateLimits = new RateLimitService(decisions, policies, settings.maxBodyBytes(), headerStyle);
        AllowedHosts hosts = new AllowedHosts(settings.allowedHosts());
        BearerToken adminToken = new BearerToken(settings.adminToken());
        // The decision listener's services, then the admin listener's.
        Map<String, io.helidon.webserver.http.HttpService> mounts = new java.util.LinkedHashMap<>();
        mounts.put("/api/rate-limits", rateLimits);
        mounts.put("/api/usage", new UsageService(decisions, settings.maxBodyBytes()));
        mounts.put("/api/quotas", new QuotaService(decisions, policies, ledger));
        mounts.put("/health", health);
        mounts.put("/openapi", new io.tollgate.http.OpenApiService());
        Map<String, io.helidon.webserver.http.HttpService> adminMounts = new java.util.LinkedHashMap<>();
        adminMounts.put("/admin/ledger", new LedgerAdminService(hz, ledger,
                new LedgerExport(database.jdbi(), settings.closedPeriodGrace().toMillis()), flusher, policies,
                adminToken, settings.maxBodyBytes()));
        adminMounts.put("/admin/webhooks", new WebhookService(outbox, targets, dispatcher::refreshSubscriptions,
                adminToken, settings.maxBodyBytes()));
        adminMounts.put("/admin", new AdminService(policies, hz, adminToken, settings.maxBodyBytes(),
                settings.opMemoryHorizon().toMillis()));
        HttpRouting.Builder routing = errors(HttpRouting.builder());
        mounts.forEach(routing::register);
        HttpRouting.Builder adminRouting = errors(HttpRouting.builder().addFilter(new RequestGuard(hosts)));
        adminMounts.forEach(adminRouting::register);
        mounts.putAll(adminMounts);
        WebServerConfig.Builder serverConfig = WebServer.builder().config(config.get("server"))
                .directHandlers(Json.directHandlers());
        limits(serverConfig, settings.httpLimits());
        observability.install(routing, serverConfig);
        // After the observability filters, so that refused requests are still counted and traced.
        routing.addFilter(new RequestGuard(hosts));
        serverConfig.putSocket(ADMIN_SOCKET, socket -> limits(socket, settings.httpLimits())
                .host(settings.adminHost())
                .port(settings.adminPort())
                .directHandlers(Json.directHandlers())
                .routing(adminRouting));
        if (grpcSettings.enabled()) {
            EnvoyRateLimitService envoy = new EnvoyRateLimitService(decisions, grpcSettings, headerStyle);
            serverConfig.putSocket(GRPC_SOCKET, socket -> socket.host(grpcSettings.host()).port(grpcSettings.port())
                    .addRouting(GrpcRouting.builder().intercept(observability.grpcInterceptor()).service(envoy)));
        }
        WebServer built = serverConfig.routing(routing).build();
        if (warmUpFirst) {
            // Only a member joining a working cluster: the first members of a cluster could not decide these yet.
            int calls = HttpWarmUp.run(rateLimits, WARM_UP_CALLS, WARM_UP_BUDGET);
            LOG.info("warmed up over HTTP before taking partitions: " + calls + " checks decided by an owner");
            ClusterMember.takeData(hz, TAKE_DATA_WITHIN);
            // Partitions move here now; callers elsewhere wait for each one that moves. Let that finish
            // before this member's own callers come too.
            ClusterMember.awaitMigrations(hz, MIGRATIONS_WITHIN);
        }
        // Entry processors on the partitions this member now owns run here: warm their code as well.
        decisions.warmUp();
        serving.set(true);
        WebServer server = built.start();
        return new Tollgate(java.util.Collections.unmodifiableMap(mounts), grpcSettings, settings, database, hz, decisions, observability, flusher, webhookEvents, dispatcher, server);
    }

    /**
     * The limits of one listener: connections, requests in progress, a keep-alive connection idle longer than the
     * idle timeout is closed (Helidon's idle check, run every second here; it also bounds a request line sent
     * slowly), and a request whose headers or body take longer than the read timeout is cut off
     * ({@link ReadDeadlines}).
     */
    private static <B extends io.helidon.webserver.ListenerConfig.BuilderBase<B, ?>> B limits(B listener,
                                                                                            Settings.HttpLimits limits) {
        return listener.maxTcpConnections(limits.maxConnections())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(java.time.Duration.ofSeconds(1))
                .addProtocol(io.helidon.webserver.http1.Http1Config.builder()
                        .addReceiveListener(ReadDeadlines.listener(limits.readTimeout()))
                        .build());
    }

    /** Exceptions mapped to statuses, in one place for both listeners. */
    private static HttpRouting.Builder errors(HttpRouting.Builder routing) {
        return routing
                .error(HttpException.class, (req, res, e) -> Json.error(res, e.status().code(), null, e.getMessage()))
                .error(BadRequest.class, (req, res, e) -> Json.error(res, e.status(), e.field(), e.getMessage()))
                .error(RequestIdReused.class, (req, res, e) -> Json.error(res, 422, "request_id", e.getMessage()))
                .error(UsageShed.class, (req, res, e) -> {
                    res.header(io.helidon.http.HeaderNames.RETRY_AFTER, "1");
                    Json.error(res, 503, "user_id", e.getMessage());
                })
                .error(ClusterUnavailable.class, (req, res, e) ->
                        Json.error(res, 503, "cluster", "the cluster could not answer: " + e.getMessage()))
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(Level.WARNING, "unexpected error on " + req.prologue().uriPath().path(), e);
                    Json.error(res, 500, null, "internal error: " + e.getClass().getSimpleName());
                });
    }

    public LedgerFlusher flusher() {
        return flusher;
    }

    public DecisionService decisions() {
        return decisions;
    }

    public int port() {
        return server.port();
    }

    /** The port of the admin listener (the /admin API). */
    public int adminPort() {
        return server.port(ADMIN_SOCKET);
    }

    /**
     * The HTTP services this sidecar serves on its decision and admin listeners, by the path they are registered
     * under, in registration order. The observe feature adds {@code /metrics} and the WebSocket {@code /api/events}
     * beside them.
     */
    public Map<String, io.helidon.webserver.http.HttpService> mounts() {
        return mounts;
    }

    /** The port of Envoy's rate limit service over gRPC, or -1 when it is off. */
    public int grpcPort() {
        return grpcSettings.enabled() ? server.port(GRPC_SOCKET) : -1;
    }

    public HazelcastInstance hazelcast() {
        return hz;
    }

    public Database database() {
        return database;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public void close() {
        BoundedStop.run("web server stop", server::stop, WEB_SERVER_STOP_WITHIN);
        dispatcher.close();
        observability.close();
        decisions.close();
        try {
            flusher.flushOnce();
        } finally {
            flusher.close();
            webhookEvents.close();
        }
        hz.shutdown();
        database.close();
    }
}
