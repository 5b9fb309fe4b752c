package io.tollgate.observe;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.tollgate.Tollgate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * One real sidecar in this JVM for the observability tests: a fresh PostgreSQL database on the local
 * server (created here, dropped on close), a one-member cluster on a free port, HTTP on a free port.
 */
final class TestSidecar implements AutoCloseable {
    static final String ADMIN_TOKEN = "observe-test-token";
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";

    final Tollgate tollgate;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String database;

    private TestSidecar(Tollgate tollgate, String database) {
        this.tollgate = tollgate;
        this.database = database;
    }

    static TestSidecar start(Map<String, String> extra) {
        String db = "tollgate_observe_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE DATABASE " + db);
        int clusterPort = freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("server.port", "0");
        settings.put("server.host", "127.0.0.1");
        settings.put("tollgate.cluster.port", Integer.toString(clusterPort));
        settings.put("tollgate.cluster.members", "127.0.0.1:" + clusterPort);
        settings.put("tollgate.db.url", PG + db);
        settings.put("tollgate.db.user", "postgres");
        settings.put("tollgate.admin.token", ADMIN_TOKEN);
        settings.put("tollgate.metrics.collect-interval", "1s");
        // A cold first call (class loading, reading a new user's ledger base) can exceed the 200 ms
        // default; these tests are about what is observed, not about the timeout.
        settings.put("tollgate.decision.timeout", "3s");
        settings.putAll(extra);
        Config config = Config.builder()
                .sources(ConfigSources.create(settings), ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        try {
            return new TestSidecar(Tollgate.start(config), db);
        } catch (RuntimeException e) {
            sql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            throw e;
        }
    }

    int port() {
        return tollgate.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
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
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            tollgate.close();
        } finally {
            sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static void sql(String statement) {
        try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on 127.0.0.1:5432 (user postgres) is needed: " + statement, e);
        }
    }
}
