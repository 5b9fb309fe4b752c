package io.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.decide.DecisionService;

import java.util.LinkedHashMap;
import java.util.Map;

/** POST /api/usage: what a served call actually used (bytes, compute), counted once per request_id. */
public final class UsageService implements HttpService {
    /** 1 TB and 1,000 hours: more than any single call, far below overflow. */
    static final long MAX_BYTES = 1_000_000_000_000L;
    static final long MAX_COMPUTE_MS = 3_600_000_000L;

    private final DecisionService decisions;
    private final int maxBodyBytes;

    public UsageService(DecisionService decisions, int maxBodyBytes) {
        this.decisions = decisions;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::record);
    }

    private void record(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req, maxBodyBytes);
        String user = Json.id(body, "user_id");
        String api = Json.id(body, "api_id");
        String requestId = Json.id(body, "request_id");
        long bytes = Json.integer(body, "bytes", 0L, 0, MAX_BYTES);
        long computeMs = Json.integer(body, "compute_ms", 0L, 0, MAX_COMPUTE_MS);
        boolean counted = decisions.recordUsage(user, api, requestId, bytes, computeMs);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", user);
        out.put("api_id", api);
        out.put("request_id", requestId);
        out.put("recorded", counted);
        out.put("duplicate", !counted);
        Json.send(res, 200, out);
    }
}
