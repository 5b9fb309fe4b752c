package io.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.ResetCountersProcessor;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.Window;
import io.tollgate.policy.PolicyStore;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** /admin: tiers, multipliers, custom and global limits, quotas, counter resets, cluster view. Bearer token required. */
public final class AdminService implements HttpService {
    private final PolicyStore policies;
    private final HazelcastInstance hz;
    private final BearerToken token;
    private final int maxBodyBytes;
    private final long opHorizonMillis;

    public AdminService(PolicyStore policies, HazelcastInstance hz, BearerToken token, int maxBodyBytes, long opHorizonMillis) {
        this.policies = policies;
        this.hz = hz;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
        this.opHorizonMillis = opHorizonMillis;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(new AdminAuth(token))
                .get("/users/{user_id}", this::getUser)
                .put("/users/{user_id}", this::putUser)
                .put("/users/{user_id}/limits/{window}", (req, res) -> userLimit(req, res, "", true))
                .delete("/users/{user_id}/limits/{window}", (req, res) -> userLimit(req, res, "", false))
                .put("/users/{user_id}/apis/{api_id}/limits/{window}", (req, res) -> userLimit(req, res, apiOf(req), true))
                .delete("/users/{user_id}/apis/{api_id}/limits/{window}", (req, res) -> userLimit(req, res, apiOf(req), false))
                .put("/users/{user_id}/quota", (req, res) -> quota(req, res, true))
                .delete("/users/{user_id}/quota", (req, res) -> quota(req, res, false))
                .post("/users/{user_id}/reset", this::reset)
                .get("/apis/{api_id}", this::getApi)
                .put("/apis/{api_id}/limits/{window}", (req, res) -> apiLimit(req, res, true))
                .delete("/apis/{api_id}/limits/{window}", (req, res) -> apiLimit(req, res, false))
                .get("/cluster", this::cluster)
                .get("/cluster/owner", this::owner);
    }

    private static String userOf(ServerRequest req) {
        return Json.checkId("user_id", req.path().pathParameters().get("user_id"));
    }

    private static String apiOf(ServerRequest req) {
        return Json.checkId("api_id", req.path().pathParameters().get("api_id"));
    }

    private static Window windowOf(ServerRequest req) {
        try {
            return Window.parse(req.path().pathParameters().get("window"));
        } catch (IllegalArgumentException e) {
            throw BadRequest.field("window", e.getMessage());
        }
    }

    private void getUser(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, userJson(policies.userFromDatabase(userOf(req))));
    }

    private void putUser(ServerRequest req, ServerResponse res) {
        String user = userOf(req);
        ObjectNode body = Json.body(req, maxBodyBytes);
        Tier tier;
        try {
            tier = Tier.parse(Json.text(body, "tier", null));
        } catch (IllegalArgumentException e) {
            throw BadRequest.field("tier", e.getMessage());
        }
        double multiplier = Json.number(body, "multiplier", 1.0, 0.001, UserPolicy.MAX_MULTIPLIER);
        int anchor = (int) Json.integer(body, "billing_anchor_day", 1L, 1, 31);
        String zone = Json.text(body, "billing_time_zone", "UTC");
        // IANA region ids only (Asia/Kolkata, UTC): an offset such as +05:30 has no daylight-saving rules, so a
        // period anchored to it drifts by an hour in regions that change their clocks.
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw BadRequest.field("billing_time_zone", "unknown time zone '" + zone
                    + "': use an IANA region id such as Asia/Kolkata or UTC, not an offset");
        }
        Json.send(res, 200, userJson(policies.setTier(user, tier, multiplier, anchor, zone)));
    }

    private void userLimit(ServerRequest req, ServerResponse res, String api, boolean set) {
        String user = userOf(req);
        Window window = windowOf(req);
        Long max = set ? Json.integer(Json.body(req, maxBodyBytes), "limit", null, 1, Integer.MAX_VALUE) : null;
        Json.send(res, 200, userJson(policies.setUserLimit(user, api, window, max)));
    }

    private void quota(ServerRequest req, ServerResponse res, boolean set) {
        String user = userOf(req);
        Quota quota = null;
        if (set) {
            ObjectNode body = Json.body(req, maxBodyBytes);
            quota = new Quota(Json.integer(body, "requests", null, 0, Long.MAX_VALUE / 4),
                    Json.integer(body, "bandwidth_bytes", null, 0, Long.MAX_VALUE / 4),
                    Json.integer(body, "compute_ms", null, 0, Long.MAX_VALUE / 4));
        }
        Json.send(res, 200, userJson(policies.setQuota(user, quota)));
    }

    private void reset(ServerRequest req, ServerResponse res) throws Exception {
        String user = userOf(req);
        boolean had = hz.<String, Object>getMap(ClusterMember.USERS)
                .submitToKey(user, (com.hazelcast.map.EntryProcessor) new ResetCountersProcessor(opHorizonMillis))
                .toCompletableFuture().get(10, TimeUnit.SECONDS) == Boolean.TRUE;
        policies.changed(user);
        Json.send(res, 200, Map.of("user_id", user, "reset", had));
    }

    private void getApi(ServerRequest req, ServerResponse res) {
        Json.send(res, 200, apiJson(policies.apiFromDatabase(apiOf(req))));
    }

    private void apiLimit(ServerRequest req, ServerResponse res, boolean set) {
        String api = apiOf(req);
        Window window = windowOf(req);
        Long max = set ? Json.integer(Json.body(req, maxBodyBytes), "limit", null, 1, Integer.MAX_VALUE) : null;
        Json.send(res, 200, apiJson(policies.setApiLimit(api, window, max)));
    }

    private void cluster(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            members.add(memberJson(m));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster_name", hz.getConfig().getClusterName());
        body.put("members", members);
        body.put("cluster_state", hz.getCluster().getClusterState().name());
        body.put("safe", clusterSafe());
        Json.send(res, 200, body);
    }

    /**
     * {@code isClusterSafe()} asks every member, and each member asks the master about migrations, each call waiting
     * up to the operation call timeout: while the master is frozen that held this view (and the members' operation
     * threads) for many seconds. The member list must answer at once, so "safe" is null when not known within 500 ms.
     */
    private static final java.util.concurrent.ExecutorService SAFE_CHECKS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private Boolean clusterSafe() {
        var safe = java.util.concurrent.CompletableFuture.supplyAsync(() -> hz.getPartitionService().isClusterSafe(),
                SAFE_CHECKS);
        try {
            return safe.get(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    private void owner(ServerRequest req, ServerResponse res) {
        String user = Json.query(req, "user_id");
        Partition p = hz.getPartitionService().getPartition(user);
        Member owner = p.getOwner();
        if (owner == null) {
            Json.error(res, 503, "user_id", "partition " + p.getPartitionId() + " has no owner right now");
            return;
        }
        Map<String, Object> body = memberJson(owner);
        body.put("partition", p.getPartitionId());
        Json.send(res, 200, body);
    }

    private static Map<String, Object> memberJson(Member m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("address", m.getAddress().getHost() + ":" + m.getAddress().getPort());
        String http = m.getAttribute(ClusterMember.HTTP_PORT_ATTRIBUTE);
        row.put("http_port", http == null ? null : Integer.parseInt(http));
        row.put("local", m.localMember());
        row.put("uuid", m.getUuid().toString());
        return row;
    }

    static Map<String, Object> userJson(UserPolicy p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", p.userId());
        body.put("tier", p.tier().wireName());
        body.put("multiplier", p.multiplier());
        body.put("billing_anchor_day", p.billingAnchorDay());
        body.put("billing_time_zone", p.billingZone());
        Map<String, Long> custom = new LinkedHashMap<>();
        p.customLimits().forEach((w, max) -> custom.put(w.wireName(), max));
        body.put("custom_limits", custom);
        Map<String, Map<String, Long>> apis = new LinkedHashMap<>();
        p.apiLimits().forEach((api, m) -> {
            Map<String, Long> limits = new LinkedHashMap<>();
            m.forEach((w, max) -> limits.put(w.wireName(), max));
            apis.put(api, limits);
        });
        body.put("api_limits", apis);
        Map<String, Long> effective = new LinkedHashMap<>();
        p.userLimits().forEach(l -> effective.put(l.window().wireName(), l.max()));
        body.put("effective_limits", effective);
        Quota q = p.quota();
        body.put("quota", Map.of("requests", q.requests(), "bandwidth_bytes", q.bandwidthBytes(), "compute_ms", q.computeMs()));
        body.put("custom_quota", p.customQuota() != null);
        return body;
    }

    static Map<String, Object> apiJson(ApiPolicy p) {
        Map<String, Long> limits = new LinkedHashMap<>();
        p.globalLimits().forEach((w, max) -> limits.put(w.wireName(), max));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("api_id", p.apiId());
        body.put("global_limits", limits);
        return body;
    }
}
