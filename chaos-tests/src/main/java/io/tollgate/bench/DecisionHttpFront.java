package io.tollgate.bench;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP front shared by the baselines and the floor: Helidon SE, the acquire route of Tollgate's
 * contract (status, X-RateLimit-* headers, JSON decision body), a readiness route, and a bench-only
 * prefill route for the scale runs. Only the {@link DecisionBackend} differs between systems.
 */
final class DecisionHttpFront {

    private static final HeaderName LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName REMAINING = HeaderNames.create("X-RateLimit-Remaining");
    private static final HeaderName RESET = HeaderNames.create("X-RateLimit-Reset");
    private static final HeaderName RETRY_AFTER = HeaderNames.create("Retry-After");

    private final DecisionBackend backend;

    DecisionHttpFront(DecisionBackend backend) {
        this.backend = backend;
    }

    WebServer start(String host, int port) {
        return WebServer.builder()
                .host(host)
                .port(port)
                .routing(this::routing)
                .build()
                .start();
    }

    void routing(HttpRouting.Builder routing) {
        routing.post("/api/rate-limits/acquire", this::acquire)
                .get("/health/ready", (req, res) -> res.send("ready"))
                .post("/bench/prefill", this::prefill);
    }

    private void acquire(ServerRequest req, ServerResponse res) throws Exception {
        AcquireRequest request;
        try {
            request = AcquireRequest.parse(req.content().as(byte[].class));
        } catch (RuntimeException | java.io.IOException e) {
            res.status(Status.BAD_REQUEST_400).send("{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
            return;
        }
        BenchDecision d = backend.acquire(request.userId(), request.apiId(), request.cost());
        res.status(d.httpStatus());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (d.window() != null) {
            res.header(LIMIT, Long.toString(d.limit()));
            res.header(REMAINING, Long.toString(d.remaining()));
            res.header(RESET, Long.toString(d.resetAtEpochSeconds()));
        }
        if (!d.allowed()) {
            res.header(RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
        }
        res.send(d.toJson(request.requestId()));
    }

    /** {@code POST /bench/prefill?prefix=p&count=N&seconds=S} -> number of users made active. */
    private void prefill(ServerRequest req, ServerResponse res) throws Exception {
        var q = req.query();
        String prefix = q.get("prefix");
        long count = Long.parseLong(q.get("count"));
        long seconds = Long.parseLong(q.get("seconds"));
        long done = backend.prefill(prefix, count, System.currentTimeMillis() + seconds * 1000);
        res.send(Long.toString(done).getBytes(StandardCharsets.US_ASCII));
    }
}
