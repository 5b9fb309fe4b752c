package io.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Counters;
import io.tollgate.core.Limit;
import io.tollgate.core.RateLimiter;
import io.tollgate.core.Scope;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.decide.CallRequest;
import io.tollgate.decide.DecisionService;
import io.tollgate.decide.RateLimitFields;
import io.tollgate.policy.PolicyStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/rate-limits: acquire, check and the listings of what applies to a user. */
public final class RateLimitService implements HttpService {
    public static final long MAX_COST = 1_000_000;

    private final DecisionService decisions;
    private final PolicyStore policies;
    private final int maxBodyBytes;
    private final RateLimitFields.Style headerStyle;

    public RateLimitService(DecisionService decisions, PolicyStore policies, int maxBodyBytes,
                            RateLimitFields.Style headerStyle) {
        this.decisions = decisions;
        this.policies = policies;
        this.maxBodyBytes = maxBodyBytes;
        this.headerStyle = headerStyle;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/acquire", this::acquire)
                .post("/check", this::check)
                .get("/", this::listAll)
                .get("/{api_id}", this::listApi);
    }

    private void acquire(ServerRequest req, ServerResponse res) {
        CallRequest call = CallBody.parse(Json.bytes(req, maxBodyBytes));
        DecisionResponses.send(res, call, decisions.acquire(call), true, headerStyle);
    }

    private void check(ServerRequest req, ServerResponse res) {
        CallRequest call = CallBody.parse(Json.bytes(req, maxBodyBytes));
        DecisionResponses.send(res, call, decisions.check(call), false, headerStyle);
    }

    private void listAll(ServerRequest req, ServerResponse res) {
        String user = Json.query(req, "user_id");
        UserPolicy policy = policies.user(user);
        UserState state = decisions.userState(user);
        Counters counters = state == null ? Counters.empty() : state.counters();
        long now = System.currentTimeMillis();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Limit l : policy.userLimits()) {
            rows.add(row(RateLimiter.usage(counters, l, "", now), null));
        }
        policy.apiLimits().forEach((api, perWindow) -> perWindow.forEach((w, max) -> rows.add(
                row(RateLimiter.usage(counters, new Limit(Scope.USER_API, w, max), api, now), api))));
        send(res, policy, rows, null);
    }

    private void listApi(ServerRequest req, ServerResponse res) {
        String api = Json.checkId("api_id", req.path().pathParameters().get("api_id"));
        String user = Json.query(req, "user_id");
        UserPolicy policy = policies.user(user);
        UserState state = decisions.userState(user);
        Counters counters = state == null ? Counters.empty() : state.counters();
        long now = System.currentTimeMillis();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Limit l : policy.limitsFor(api)) {
            rows.add(row(RateLimiter.usage(counters, l, api, now), l.scope() == Scope.USER ? null : api));
        }
        ApiPolicy apiPolicy = policies.api(api);
        if (!apiPolicy.limits().isEmpty()) {
            Counters global = decisions.apiCounters(api);
            for (Limit l : apiPolicy.limits()) {
                rows.add(row(RateLimiter.usage(global == null ? Counters.empty() : global, l, "", now), api));
            }
        }
        send(res, policy, rows, api);
    }

    private static Map<String, Object> row(RateLimiter.Usage u, String api) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scope", u.limit().scope().wireName());
        row.put("api_id", api);
        row.put("window", u.limit().window().wireName());
        row.put("limit", u.limit().max());
        row.put("used", u.used());
        row.put("remaining", u.remaining());
        row.put("reset_at", DecisionResponses.ceilSeconds(u.resetAtMillis()));
        return row;
    }

    private static void send(ServerResponse res, UserPolicy policy, List<Map<String, Object>> rows, String api) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", policy.userId());
        if (api != null) {
            body.put("api_id", api);
        }
        body.put("tier", policy.tier().wireName());
        body.put("multiplier", policy.multiplier());
        body.put("limits", rows);
        Json.send(res, 200, body);
    }
}
