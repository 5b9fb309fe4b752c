package io.tollgate.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.core.Decision;
import io.tollgate.core.Outcome;
import io.tollgate.decide.CallRequest;
import io.tollgate.decide.DecisionResult;
import io.tollgate.decide.RateLimitFields;
import io.tollgate.observe.Observability;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A decision as HTTP: status, the rate-limit headers ({@link RateLimitFields}), and the JSON body, written field by field
 * with Jackson's streaming generator and constant header names and values.
 */
final class DecisionResponses {
    /** {@link RateLimitFields}' header names, by field number. */
    private static final HeaderName[] FIELDS = new HeaderName[RateLimitFields.NAMES.length];

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            FIELDS[i] = i == RateLimitFields.RETRY_AFTER ? HeaderNames.RETRY_AFTER : HeaderNames.create(RateLimitFields.NAMES[i]);
        }
    }
    private static final Header POLICY_OPEN = HeaderValues.create("X-Tollgate-Failure-Policy", "open");
    private static final Header POLICY_CLOSED = HeaderValues.create("X-Tollgate-Failure-Policy", "closed");
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final int BODY_SIZE_HINT = 384;
    private static final String FAILURE_MESSAGE = "the cluster could not decide within the decision timeout; answered by"
            + " the configured failure policy";
    private static final String SHED_MESSAGE = "the member that would keep this new user's counters is short of memory"
            + " and admits no new users for now; users it already counts are served";

    private DecisionResponses() {
    }

    static void send(ServerResponse res, CallRequest call, DecisionResult result, boolean consuming,
                     RateLimitFields.Style headerStyle) {
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
        RateLimitFields.write(result, headerStyle, (field, value) -> res.header(FIELDS[field], value));
        boolean failure = d.outcome() == Outcome.FAILURE_OPEN || d.outcome() == Outcome.FAILURE_CLOSED;
        if (failure) {
            res.header(d.outcome() == Outcome.FAILURE_OPEN ? POLICY_OPEN : POLICY_CLOSED);
        }
        ByteArrayBuilder bytes = new ByteArrayBuilder(BODY_SIZE_HINT);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeBooleanField("allowed", d.allowed());
            g.writeStringField("outcome", d.outcome().wireName());
            g.writeNumberField("limit", d.limit());
            g.writeNumberField("remaining", d.remaining());
            g.writeNumberField("reset_at", resetAt);
            g.writeNumberField("retry_after_seconds", retryAfter);
            g.writeStringField("scope", d.scope() == null ? null : d.scope().wireName());
            g.writeStringField("window", d.window() == null ? null : d.window().wireName());
            g.writeStringField("quota", d.meter() == null ? null : d.meter().wireName());
            g.writeStringField("tier", result.tier().wireName());
            g.writeStringField("user_id", call.userId());
            g.writeStringField("api_id", call.apiId());
            g.writeNumberField("cost", call.cost());
            g.writeStringField("trace_id", Observability.traceId(res));
            if (call.requestId() != null) {
                g.writeStringField("request_id", call.requestId());
                g.writeBooleanField("replayed", result.replayed());
            }
            if (failure) {
                g.writeStringField("failure_policy", d.outcome() == Outcome.FAILURE_OPEN ? "open" : "closed");
                g.writeStringField("message", FAILURE_MESSAGE);
            }
            if (d.outcome() == Outcome.SHED) {
                g.writeStringField("message", SHED_MESSAGE);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.status(Status.create(status));
        res.header(JSON);
        res.send(bytes.toByteArray());
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
