package io.tollgate.http;

import io.helidon.webserver.http.ServerResponse;
import io.tollgate.core.Decision;
import io.tollgate.core.Outcome;
import io.tollgate.decide.CallRequest;
import io.tollgate.decide.DecisionResult;
import io.tollgate.observe.Observability;

import java.util.LinkedHashMap;
import java.util.Map;

/** A decision as HTTP: status, the X-RateLimit-* and Retry-After headers, and the JSON body. */
final class DecisionResponses {
    private DecisionResponses() {
    }

    static void send(ServerResponse res, CallRequest call, DecisionResult result, boolean consuming) {
        Decision d = result.decision();
        int status = 200;
        if (consuming) {
            status = switch (d.outcome()) {
                case ALLOWED, FAILURE_OPEN -> 200;
                case DENIED_RATE, DENIED_QUOTA -> 429;
                case FAILURE_CLOSED, SHED -> 503;
            };
        }
        long resetAt = ceilSeconds(d.resetAtMillis());
        long retryAfter = d.allowed() ? 0 : retryAfterSeconds(d.retryAfterMillis());
        if (d.limit() > 0) {
            res.header("X-RateLimit-Limit", Long.toString(d.limit()));
            res.header("X-RateLimit-Remaining", Long.toString(d.remaining()));
            res.header("X-RateLimit-Reset", Long.toString(resetAt));
        }
        if (!d.allowed()) {
            res.header("Retry-After", Long.toString(retryAfter));
        }
        if (d.outcome() == Outcome.FAILURE_OPEN || d.outcome() == Outcome.FAILURE_CLOSED) {
            res.header("X-Tollgate-Failure-Policy", d.outcome() == Outcome.FAILURE_OPEN ? "open" : "closed");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("allowed", d.allowed());
        body.put("outcome", d.outcome().wireName());
        body.put("limit", d.limit());
        body.put("remaining", d.remaining());
        body.put("reset_at", resetAt);
        body.put("retry_after_seconds", retryAfter);
        body.put("scope", d.scope() == null ? null : d.scope().wireName());
        body.put("window", d.window() == null ? null : d.window().wireName());
        body.put("quota", d.meter() == null ? null : d.meter().wireName());
        body.put("tier", result.tier().wireName());
        body.put("user_id", call.userId());
        body.put("api_id", call.apiId());
        body.put("cost", call.cost());
        body.put("trace_id", Observability.traceId(res));
        if (call.requestId() != null) {
            body.put("request_id", call.requestId());
            body.put("replayed", result.replayed());
        }
        if (d.outcome() == Outcome.FAILURE_OPEN || d.outcome() == Outcome.FAILURE_CLOSED) {
            body.put("failure_policy", d.outcome() == Outcome.FAILURE_OPEN ? "open" : "closed");
            body.put("message", "the cluster could not decide within the decision timeout; answered by the configured failure policy");
        }
        if (d.outcome() == Outcome.SHED) {
            body.put("message", "the member that would keep this new user's counters is short of memory and admits no new"
                    + " users for now; users it already counts are served");
        }
        Json.send(res, status, body);
    }

    static long ceilSeconds(long millis) {
        return Math.floorDiv(millis + 999, 1000);
    }

    /** Whole seconds, at least 1 for a denial; a cost that can never fit waits a full day. */
    static long retryAfterSeconds(long millis) {
        if (millis == Long.MAX_VALUE) {
            return 86_400;
        }
        return Math.max(1, ceilSeconds(millis));
    }
}
