package io.tollgate.http;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleService;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.MemoryValve;
import io.tollgate.config.Settings;
import io.tollgate.db.Database;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * /health/live: the process answers. /health/ready: this member has joined a cluster that has the
 * majority writes need, and the database answers; 503 with the failing check named otherwise. The memory
 * check says whether this member sheds never-seen users ({@link MemoryValve}); it does not make it unready.
 */
public final class HealthService implements HttpService {
    private final HazelcastInstance hz;
    private final Database database;
    private final Settings settings;
    private final int majority;
    private final Supplier<Map<String, Object>> extra;

    public HealthService(HazelcastInstance hz, Database database, Settings settings, Supplier<Map<String, Object>> extra) {
        this.hz = hz;
        this.database = database;
        this.settings = settings;
        this.majority = ClusterMember.majorityOf(settings.clusterMembers().size());
        this.extra = extra;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/live", (req, res) -> Json.send(res, 200, Map.of("status", "UP")))
                .get("/ready", this::ready)
                .get("/", this::ready);
    }

    public boolean clusterReady() {
        LifecycleService life = hz.getLifecycleService();
        return life.isRunning() && hz.getCluster().getMembers().size() >= majority
                && ClusterMember.writesAccepted(hz, settings);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean cluster = clusterReady();
        boolean db = database.answers();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", cluster && db ? "UP" : "DOWN");
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("cluster", Map.of("status", cluster ? "UP" : "DOWN",
                "members", hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0,
                "members_needed", majority));
        checks.put("database", Map.of("status", db ? "UP" : "DOWN"));
        // Not a readiness condition: a member shedding new users still serves the users it counts.
        MemoryValve valve = MemoryValve.of(hz);
        checks.put("memory", Map.of("status", valve.admitsNewEntries() ? "UP" : "SHEDDING_NEW_USERS",
                "heap_after_gc", Math.round(valve.heapShare() * 1000) / 1000.0, "ceiling", valve.ceiling()));
        body.put("checks", checks);
        body.putAll(extra.get());
        Json.send(res, cluster && db ? 200 : 503, body);
    }
}
