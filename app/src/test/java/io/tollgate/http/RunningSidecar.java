package io.tollgate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.Tollgate;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.testing.Http;
import io.tollgate.testing.SidecarSettings;
import io.tollgate.testing.TestDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real Tollgate sidecar for one test class: {@link Tollgate#start} in this JVM on an ephemeral HTTP
 * port, its own Hazelcast member on a free port, and a fresh PostgreSQL database created before and
 * dropped after the class. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningSidecar SIDECAR = RunningSidecar.builder().build();
 * }</pre>
 *
 * <p>{@link SidecarSettings} holds the configuration it starts with. The sidecar is shared by the
 * class's methods: each method uses its own user and API ids.
 */
public final class RunningSidecar implements BeforeAllCallback, AfterAllCallback {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> overrides;
    private final String adminToken;
    private final boolean absentPeer;
    private final boolean warmUp;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The split-brain protection of ClusterMember (writes need a majority of the configured members). */
    static final String MAJORITY_PROTECTION = "tollgate-majority";

    private TestDatabase database;
    private boolean writesAcceptedAtStart;
    private Reply firstAcquire;
    private Tollgate tollgate;

    private RunningSidecar(Builder b) {
        this.overrides = Map.copyOf(b.overrides);
        this.adminToken = b.adminToken;
        this.absentPeer = b.absentPeer;
        this.warmUp = b.warmUp;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, String> overrides = new HashMap<>();
        private String adminToken = "test-" + UUID.randomUUID();
        private boolean absentPeer;
        private boolean warmUp = true;

        /**
         * Does not wait for the first acquire to be decided by the cluster: the first test call is the
         * first call the sidecar sees after {@link Tollgate#start} returned.
         */
        public Builder withoutWarmUp() {
            this.warmUp = false;
            return this;
        }

        /** Starts with no admin token: admin endpoints must answer 403. */
        public Builder withoutAdminToken() {
            this.adminToken = "";
            return this;
        }

        /** Every counter write is refused: see {@link SidecarSettings#withAbsentPeer()}. */
        public Builder withAbsentPeer() {
            this.absentPeer = true;
            return this;
        }

        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public RunningSidecar build() {
            return new RunningSidecar(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database = new TestDatabase();
        try {
            tollgate = settings().start();
            writesAcceptedAtStart = ClusterMember.writesAccepted(tollgate.hazelcast(), tollgate.settings());
            if (!warmUp) {
                firstAcquire = acquire("first-user", "first-api");
            }
            if (warmUp && !absentPeer) {
                awaitFirstDecision();
            }
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    private SidecarSettings settings() {
        SidecarSettings settings = SidecarSettings.forDatabase(database.url())
                .adminToken(adminToken)
                .set("tollgate.db.pool-size", "4");
        if (absentPeer) {
            settings.withAbsentPeer();
        }
        return settings.setAll(overrides);
    }

    /**
     * Waits until a throw-away user's acquire is decided by the cluster (not by the failure policy), so
     * that the tests' counts do not depend on how long this machine needs for the first, cold call.
     * How long that took is printed. {@link StartupHttpTest} is the test of the first call itself.
     */
    private void awaitFirstDecision() {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(60).toNanos();
        int attempts = 0;
        Reply last = null;
        while (System.nanoTime() < deadline) {
            attempts++;
            long t0 = System.nanoTime();
            last = acquire("warm-up-user", "warm-up-api");
            long tookMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            if (last.status() == 200 && "allowed".equals(last.textField("outcome"))) {
                System.err.printf("RunningSidecar: first decision after %d attempt(s), %d ms; first answers: %s%n",
                        attempts, Duration.ofNanos(System.nanoTime() - start).toMillis(), firstFailure);
                return;
            }
            if (firstFailure == null) {
                firstFailure = last.status() + " " + last.textField("outcome") + " after " + tookMs + " ms, writes accepted: "
                        + tollgate.hazelcast().getSplitBrainProtectionService()
                        .getSplitBrainProtection(MAJORITY_PROTECTION).hasMinimumSize()
                        + " (at start: " + writesAcceptedAtStart + ")";
            }
            sleep(200);
        }
        throw new IllegalStateException("the sidecar never decided an acquire within 60 s; last answer: " + last);
    }

    private String firstFailure;

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (tollgate != null) {
                tollgate.close();
            }
        } finally {
            tollgate = null;
            if (database != null) {
                database.close();
                database = null;
            }
        }
    }

    /** Whether the member accepted counter writes at the moment Tollgate.start returned. */
    public boolean writesAcceptedAtStart() {
        return writesAcceptedAtStart;
    }

    /** With {@link Builder#withoutWarmUp()}: the answer to the acquire sent as soon as Tollgate.start returned. */
    public Reply firstAcquire() {
        return firstAcquire;
    }

    public Tollgate tollgate() {
        return tollgate;
    }

    public int port() {
        return tollgate.port();
    }

    public String adminToken() {
        return adminToken;
    }

    /** The admin API's own listener. */
    public int adminPort() {
        return tollgate.adminPort();
    }

    /** A URI on this sidecar: /admin paths on the admin listener, everything else on the decision port. */
    public URI uri(String pathAndQuery) {
        int port = pathAndQuery.startsWith("/admin") ? adminPort() : port();
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** A request to this sidecar, ready for a method and body. */
    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    public Reply get(String pathAndQuery) {
        return send(request(pathAndQuery).GET());
    }

    /** POST of a raw body (sent as is, so tests can send malformed JSON). */
    public Reply post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply post(String path, Map<String, ?> body) {
        return post(path, json(body));
    }

    /** An admin call with the configured bearer token; {@code body} null sends none. */
    public Reply admin(String method, String path, Map<String, ?> body) {
        return adminAs("Bearer " + adminToken, method, path, body);
    }

    /** An admin call with the given Authorization header (null: none). */
    public Reply adminAs(String authorization, String method, String path, Map<String, ?> body) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json(body)));
        return send(b);
    }

    public Reply send(HttpRequest.Builder request) {
        HttpResponse<String> r = Http.send(client, request.build());
        return new Reply(r.statusCode(), r.headers(), r.body(), parse(r.body()));
    }

    // ---- the calls most tests make ----

    public Reply acquire(String user, String api) {
        return post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", api));
    }

    public Reply acquire(String user, String api, long cost) {
        return post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", api, "cost", cost));
    }

    public Reply check(String user, String api) {
        return post("/api/rate-limits/check", Map.of("user_id", user, "api_id", api));
    }

    /** The USER-scope row of {@code window} in GET /api/rate-limits?user_id=U. */
    public JsonNode userLimit(String user, String window) {
        Reply r = get("/api/rate-limits?user_id=" + user);
        if (r.status() != 200) {
            throw new AssertionError("listing failed: " + r);
        }
        for (JsonNode row : r.field("limits")) {
            if ("user".equals(row.path("scope").asText()) && window.equals(row.path("window").asText())) {
                return row;
            }
        }
        throw new AssertionError("no user/" + window + " row in " + r);
    }

    public long used(String user, String window) {
        return userLimit(user, window).path("used").asLong(-1);
    }

    static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
