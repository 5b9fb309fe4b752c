package io.tollgate.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * HTTP client for one member, speaking only the contract (/work/contract.md): acquire, admin calls, cluster view,
 * key owner, ledger totals, readiness. Every request has a timeout, because a paused member never answers.
 */
public final class TollgateClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    private final String memberName;
    private final URI base;
    private final URI adminBase;
    private final String adminToken;
    private final Duration requestTimeout;

    /** {@code base} reaches the member's decision port, {@code adminBase} its admin listener (the /admin paths). */
    public TollgateClient(String memberName, URI base, URI adminBase, String adminToken, Duration requestTimeout) {
        this.memberName = memberName;
        this.base = base;
        this.adminBase = adminBase;
        this.adminToken = adminToken;
        this.requestTimeout = requestTimeout;
    }

    public String memberName() {
        return memberName;
    }

    public URI base() {
        return base;
    }

    public TollgateClient withTimeout(Duration timeout) {
        return new TollgateClient(memberName, base, adminBase, adminToken, timeout);
    }

    /** Sends one acquire; never throws: transport failures become {@link AnswerKind#ERROR} answers. */
    public CompletableFuture<AcquireAnswer> acquireAsync(AcquireRequest request) {
        ObjectNode body = JSON.createObjectNode()
                .put("user_id", request.userId())
                .put("api_id", request.apiId())
                .put("cost", request.cost());
        if (request.requestId() != null) {
            body.put("request_id", request.requestId());
        }
        HttpRequest http = HttpRequest.newBuilder(base.resolve("/api/rate-limits/acquire"))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long sent = System.nanoTime();
        return HTTP.sendAsync(http, HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> toAnswer(request, sent, response, failure));
    }

    public AcquireAnswer acquire(AcquireRequest request) {
        return acquireAsync(request).join();
    }

    private AcquireAnswer toAnswer(AcquireRequest request, long sent, HttpResponse<String> response, Throwable failure) {
        long answered = System.nanoTime();
        if (failure != null) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new AcquireAnswer(request, memberName, sent, answered, 0, null, AnswerKind.ERROR,
                    cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        String outcome = null;
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.hasNonNull("outcome")) {
                outcome = json.get("outcome").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the answer stays an error with its status
        }
        AnswerKind kind = AnswerKind.fromOutcome(response.statusCode(), outcome);
        String error = kind == AnswerKind.ERROR ? truncate(response.body()) : null;
        return new AcquireAnswer(request, memberName, sent, answered, response.statusCode(), outcome, kind, error);
    }

    /** Raw HTTP exchange with a JSON (or empty) body, for admin calls and hostile input. */
    public Response send(String method, String path, String body, boolean withAdminToken) {
        URI target = (path.startsWith("/admin") ? adminBase : base).resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (withAdminToken && adminToken != null) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(memberName + " " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (status " + status + "): " + truncate(body), e);
            }
        }
    }

    public JsonNode admin(String method, String path, String body) {
        Response r = send(method, path, body, true);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(memberName + " " + method + " " + path + " answered " + r.status() + ": " + truncate(r.body()));
        }
        return r.body() == null || r.body().isBlank() ? JSON.nullNode() : r.json();
    }

    public void setTier(String userId, String tier) {
        admin("PUT", "/admin/users/" + encode(userId), JSON.createObjectNode().put("tier", tier).toString());
    }

    /** Reads the user's tier back, to wait until an admin change has reached this member. */
    public String tierOf(String userId) {
        Response r = send("GET", "/api/rate-limits?user_id=" + encode(userId), null, false);
        return r.status() == 200 ? r.json().path("tier").asText(null) : null;
    }

    /** The user-scope limit of {@code window} as this member reports it (GET /api/rate-limits), or -1. */
    public long limitOf(String userId, String window) {
        Response r = send("GET", "/api/rate-limits?user_id=" + encode(userId), null, false);
        if (r.status() != 200) {
            return -1;
        }
        for (JsonNode l : r.json().path("limits")) {
            if (window.equals(l.path("window").asText()) && "user".equals(l.path("scope").asText())) {
                return l.path("limit").asLong();
            }
        }
        return -1;
    }

    public boolean isReady() {
        try {
            return send("GET", "/health/ready", null, false).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public List<ClusterMemberView> clusterMembers() {
        List<ClusterMemberView> members = new ArrayList<>();
        for (JsonNode m : admin("GET", "/admin/cluster", null).path("members")) {
            members.add(view(m));
        }
        return members;
    }

    public ClusterMemberView ownerOf(String userId) {
        return view(admin("GET", "/admin/cluster/owner?user_id=" + encode(userId), null));
    }

    /** Requests recorded in the PostgreSQL ledger for the user's current period. */
    public long ledgerRequests(String userId) {
        JsonNode totals = admin("GET", "/admin/ledger/totals?user_id=" + encode(userId), null);
        if (!totals.has("requests")) {
            throw new IllegalStateException("ledger totals without 'requests': " + totals);
        }
        return totals.get("requests").asLong();
    }

    /** The readiness body (200 or 503 alike): owed_operations, ledger backlog and lag. */
    public JsonNode readiness() {
        return send("GET", "/health/ready", null, false).json();
    }

    /** POST /admin/ledger/flush: a flush round on this member now; returns the batches it applied. */
    public long flushLedger() {
        return admin("POST", "/admin/ledger/flush", "").path("applied_batches").asLong();
    }

    private static ClusterMemberView view(JsonNode m) {
        return new ClusterMemberView(m.path("address").asText(), m.path("http_port").asInt(), m.path("local").asBoolean(false));
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String truncate(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
