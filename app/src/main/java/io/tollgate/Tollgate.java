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
import io.tollgate.decide.DecisionService;
import io.tollgate.http.AdminService;
import io.tollgate.http.BadRequest;
import io.tollgate.http.HealthService;
import io.tollgate.http.Json;
import io.tollgate.http.RateLimitService;
import io.tollgate.http.UsageService;
import io.tollgate.http.QuotaService;
import io.tollgate.http.LedgerAdminService;
import io.tollgate.ledger.LedgerFlusher;
import io.tollgate.ledger.LedgerRepository;
import io.tollgate.ledger.LedgerBases;
import io.tollgate.observe.LedgerStatus;
import io.tollgate.observe.Observability;
import io.tollgate.policy.PolicyRepository;
import io.tollgate.policy.PolicyStore;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The composition root: one sidecar (database, cluster member, decision path, HTTP server). */
public final class Tollgate implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Tollgate.class.getName());

    private final Settings settings;
    private final Database database;
    private final HazelcastInstance hz;
    private final DecisionService decisions;
    private final Observability observability;
    private final LedgerFlusher flusher;
    private final WebServer server;

    private Tollgate(Settings settings, Database database, HazelcastInstance hz, DecisionService decisions,
                     Observability observability, LedgerFlusher flusher, WebServer server) {
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
        LedgerRepository ledger = new LedgerRepository(database.jdbi(), settings.closedPeriodGrace().toMillis(),
                database.concurrentReaders());
        HazelcastInstance hz = ClusterMember.start(settings);
        ClusterMember.awaitWritesAccepted(hz, settings, java.time.Duration.ofSeconds(10));
        PolicyStore policies = new PolicyStore(policyRepository, database.readBackOff(), hz);
        Observability observability = new Observability(config, settings, hz, database);
        DecisionService decisions = new DecisionService(hz, policies, new LedgerBases(ledger, database.readBackOff()), settings,
                observability.decisionListener());
        observability.attach(decisions);
        decisions.warmUp();
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
        HealthService health = new HealthService(hz, database, settings,
                () -> Map.of("owed_operations", decisions.owedOperations(), "ledger", flusher.status().toJson()));
        HttpRouting.Builder routing = HttpRouting.builder()
                .register("/api/rate-limits", new RateLimitService(decisions, policies, settings.maxBodyBytes()))
                .register("/api/usage", new UsageService(decisions, settings.maxBodyBytes()))
                .register("/api/quotas", new QuotaService(decisions, policies, ledger))
                .register("/admin/ledger", new LedgerAdminService(hz, ledger, flusher, policies, settings.adminToken(),
                        settings.maxBodyBytes()))
                .register("/admin", new AdminService(policies, hz, settings.adminToken(), settings.maxBodyBytes(),
                        settings.opMemoryHorizon().toMillis()))
                .register("/health", health)
                .error(HttpException.class, (req, res, e) -> Json.error(res, e.status().code(), null, e.getMessage()))
                .error(BadRequest.class, (req, res, e) -> Json.error(res, e.status(), e.field(), e.getMessage()))
                .error(ClusterUnavailable.class, (req, res, e) ->
                        Json.error(res, 503, "cluster", "the cluster could not answer: " + e.getMessage()))
                .error(Exception.class, (req, res, e) -> {
                    LOG.log(Level.WARNING, "unexpected error on " + req.prologue().uriPath().path(), e);
                    Json.error(res, 500, null, "internal error: " + e.getClass().getSimpleName());
                });
        WebServerConfig.Builder serverConfig = WebServer.builder().config(config.get("server"))
                .directHandlers(Json.directHandlers());
        observability.install(routing, serverConfig);
        WebServer server = serverConfig.routing(routing).build().start();
        return new Tollgate(settings, database, hz, decisions, observability, flusher, server);
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
        server.stop();
        observability.close();
        decisions.close();
        try {
            flusher.flushOnce();
        } finally {
            flusher.close();
        }
        hz.shutdown();
        database.close();
    }
}
