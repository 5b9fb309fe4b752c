package io.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.BillingPeriod;
import io.tollgate.core.Totals;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.ledger.LedgerFlusher;
import io.tollgate.ledger.LedgerRepository;
import io.tollgate.policy.PolicyStore;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /admin/ledger: ledger totals, reconciliation against the cluster, adjustments, flush status. */
public final class LedgerAdminService implements HttpService {
    private final IMap<String, UserState> users;
    private final LedgerRepository ledger;
    private final LedgerFlusher flusher;
    private final PolicyStore policies;
    private final String token;
    private final int maxBodyBytes;

    public LedgerAdminService(HazelcastInstance hz, LedgerRepository ledger, LedgerFlusher flusher, PolicyStore policies,
                              String token, int maxBodyBytes) {
        this.users = hz.getMap(ClusterMember.USERS);
        this.ledger = ledger;
        this.flusher = flusher;
        this.policies = policies;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(new AdminAuth(token))
                .get("/totals", this::totals)
                .get("/reconcile", this::reconcile)
                .post("/adjustments", this::adjust)
                .post("/flush", (req, res) -> Json.send(res, 200, Map.of("applied_batches", flusher.flushOnce())))
                .get("/status", (req, res) -> Json.send(res, 200, flusher.status().toJson()));
    }

    private void totals(ServerRequest req, ServerResponse res) {
        String user = Json.query(req, "user_id");
        BillingPeriod period = periodOf(req, policies.user(user));
        long start = period.start().toEpochMilli();
        Totals total = ledger.total(user, start);
        List<Map<String, Object>> apis = new ArrayList<>();
        ledger.byApi(user, start).forEach((api, t) -> apis.add(totalsJson(t, Map.of("api_id", api))));
        Map<String, Object> body = totalsJson(total, Map.of("user_id", user, "period_start", period.start().toString(),
                "period_end", period.end().toString()));
        body.put("apis", apis);
        Json.send(res, 200, body);
    }

    /**
     * For every user entry in the cluster whose ledger batch is confirmed (nothing in flight), the
     * cluster's confirmed base must equal the ledger's total for the period; any difference is listed.
     */
    private void reconcile(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> differences = new ArrayList<>();
        int checked = 0;
        int inFlight = 0;
        long unflushedRequests = 0;
        for (Map.Entry<String, UserState> e : users.entrySet()) {
            UserState s = e.getValue();
            unflushedRequests += s.usage().unflushedRequests();
            if (s.usage().inflight() != null || !s.usage().baseKnown()) {
                inFlight++;
                continue;
            }
            checked++;
            Totals inLedger = ledger.total(e.getKey(), s.usage().periodStart());
            if (!inLedger.equals(s.usage().base())) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("user_id", e.getKey());
                d.put("period_start", Instant.ofEpochMilli(s.usage().periodStart()).toString());
                d.put("cluster", totalsJson(s.usage().base(), Map.of()));
                d.put("ledger", totalsJson(inLedger, Map.of()));
                differences.add(d);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users_checked", checked);
        body.put("users_with_batch_in_flight", inFlight);
        body.put("unflushed_requests", unflushedRequests);
        body.put("differences", differences);
        body.put("consistent", differences.isEmpty());
        Json.send(res, 200, body);
    }

    private void adjust(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req, maxBodyBytes);
        String user = Json.id(body, "user_id");
        String api = Json.id(body, "api_id");
        String reason = Json.text(body, "reason", null);
        if (reason.isBlank() || reason.length() > 1000) {
            throw BadRequest.field("reason", "reason must be 1..1000 characters");
        }
        Instant periodStart;
        try {
            periodStart = Instant.parse(Json.text(body, "period_start", null));
        } catch (DateTimeParseException e) {
            throw BadRequest.field("period_start", "period_start must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
        long limit = Long.MAX_VALUE / 4;
        Totals delta = new Totals(Json.integer(body, "requests", 0L, -limit, limit),
                Json.integer(body, "bandwidth_bytes", 0L, -limit, limit), Json.integer(body, "compute_ms", 0L, -limit, limit));
        ledger.adjust(user, api, periodStart.toEpochMilli(), delta, reason);
        Json.send(res, 201, totalsJson(ledger.total(user, periodStart.toEpochMilli()),
                Map.of("user_id", user, "period_start", periodStart.toString())));
    }

    private static BillingPeriod periodOf(ServerRequest req, UserPolicy policy) {
        String at = req.query().first("at").orElse(null);
        try {
            return policy.billingCycle().periodAt(at == null ? Instant.now() : Instant.parse(at));
        } catch (DateTimeParseException e) {
            throw BadRequest.field("at", "at must be an ISO-8601 instant");
        }
    }

    private static Map<String, Object> totalsJson(Totals t, Map<String, Object> head) {
        Map<String, Object> m = new LinkedHashMap<>(head);
        m.put("requests", t.requests());
        m.put("bandwidth_bytes", t.bytes());
        m.put("compute_ms", t.computeMs());
        return m;
    }
}
