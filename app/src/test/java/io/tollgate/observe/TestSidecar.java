package io.tollgate.observe;

import io.tollgate.Tollgate;
import io.tollgate.testing.Http;
import io.tollgate.testing.SidecarSettings;
import io.tollgate.testing.TestDatabase;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One real sidecar in this JVM for the observability tests, on a fresh database of its own that is
 * dropped on close. Answers are the raw HTTP responses: these tests look at headers and metric text.
 */
final class TestSidecar implements AutoCloseable {
    static final String ADMIN_TOKEN = "observe-test-token-of-at-least-32-characters";

    final Tollgate tollgate;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestDatabase database;

    private TestSidecar(Tollgate tollgate, TestDatabase database) {
        this.tollgate = tollgate;
        this.database = database;
    }

    static TestSidecar start(Map<String, String> extra) {
        TestDatabase database = new TestDatabase();
        try {
            Tollgate tollgate = SidecarSettings.forDatabase(database.url())
                    .adminToken(ADMIN_TOKEN)
                    // Metrics are collected every second so that scrapeUntil does not wait long.
                    .set("tollgate.metrics.collect-interval", "1s")
                    // A cold first call (class loading, reading a new user's ledger base) can take long;
                    // these tests are about what is observed, not about the timeout.
                    .set("tollgate.decision.timeout", "3s")
                    .setAll(extra)
                    .start();
            return new TestSidecar(tollgate, database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    int port() {
        return tollgate.port();
    }

    URI uri(String path) {
        // The admin API has a listener of its own.
        int port = path.startsWith("/admin") ? tollgate.adminPort() : port();
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> acquire(String user, String api, String... headers) {
        return post("/api/rate-limits/acquire", "{\"user_id\":\"" + user + "\",\"api_id\":\"" + api + "\"}", headers);
    }

    HttpResponse<String> check(String user, String api) {
        return post("/api/rate-limits/check", "{\"user_id\":\"" + user + "\",\"api_id\":\"" + api + "\"}");
    }

    HttpResponse<String> post(String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    List<PromText.Sample> scrape() {
        HttpResponse<String> res = get("/metrics");
        if (res.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + res.statusCode() + ": " + res.body());
        }
        return PromText.parse(res.body());
    }

    /** Scrapes until {@code condition} holds (the collector runs every second), or fails after 20 s. */
    List<PromText.Sample> scrapeUntil(String what, Predicate<List<PromText.Sample>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<PromText.Sample> samples = scrape();
        while (!condition.test(samples)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(200);
            samples = scrape();
        }
        return samples;
    }

    private HttpResponse<String> send(HttpRequest req) {
        return Http.send(http, req);
    }

    @Override
    public void close() {
        try {
            tollgate.close();
        } finally {
            database.close();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
