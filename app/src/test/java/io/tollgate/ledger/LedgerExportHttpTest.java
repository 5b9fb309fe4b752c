package io.tollgate.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.http.Reply;
import io.tollgate.http.RunningSidecar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /admin/ledger/export against a real sidecar and PostgreSQL: content, both formats, same bytes, flat memory. */
class LedgerExportHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().set("tollgate.ledger.flush-interval", "200ms").build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(SIDECAR.tollgate().settings().dbUrl(), "postgres", "");
             Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static Reply export(String query, String accept) {
        return SIDECAR.send(SIDECAR.request("/admin/ledger/export?" + query)
                .header("Authorization", "Bearer " + SIDECAR.adminToken()).header("Accept", accept).GET());
    }

    @Test
    void aClosedPeriodExportsTheSameBytesAtTheSamePosition() throws Exception {
        sql("INSERT INTO usage_ledger (user_id, period_start, api_id, period_end, requests, bandwidth_bytes, compute_ms) VALUES "
                        + "('exp-a', '2025-03-01T00:00:00Z', 'maps', '2025-04-01T00:00:00Z', 10, 100, 5),"
                        + "('exp-a', '2025-03-01T00:00:00Z', 'search', '2025-04-01T00:00:00Z', 3, 30, 1),"
                        + "('exp-b,\"x\"', '2025-03-01T00:00:00Z', 'maps', '2025-04-01T00:00:00Z', 7, 70, 2)",
                "INSERT INTO user_policy (user_id, tier) VALUES ('exp-a', 'pro')");
        Reply adjusted = SIDECAR.admin("POST", "/admin/ledger/adjustments", Map.of("user_id", "exp-a", "api_id", "maps",
                "period_start", "2025-03-01T00:00:00Z", "requests", -2, "reason", "refund"));
        assertThat(adjusted.status()).as("%s", adjusted).isEqualTo(201);

        Reply first = export("period=2025-03", "text/csv");
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        List<String> lines = first.text().lines().toList();
        assertThat(lines.get(0)).startsWith("# tollgate ledger export period_start=2025-03-01T00:00:00Z")
                .contains("closed=true").contains("position=");
        assertThat(lines.get(1)).startsWith("user_id,api_id,tier,requests");
        assertThat(lines.subList(2, 5)).containsExactly(
                "exp-a,maps,pro,10,100,5,-2,0,0,8,100,5",
                "exp-a,search,pro,3,30,1,0,0,0,3,30,1",
                "\"exp-b,\"\"x\"\"\",maps,free,7,70,2,0,0,0,7,70,2");
        assertThat(lines.get(5)).startsWith("# end rows=3 closed=true");
        String position = lines.get(0).replaceAll(".*position=(\\d+).*", "$1");

        assertThat(export("period_start=2025-03-01T00:00:00Z", "text/csv").text()).isEqualTo(first.text());
        SIDECAR.admin("POST", "/admin/ledger/adjustments", Map.of("user_id", "exp-a", "api_id", "maps",
                "period_start", "2025-03-01T00:00:00Z", "requests", -1, "reason", "second refund"));
        assertThat(export("period=2025-03", "text/csv").text()).as("a later adjustment shows").isNotEqualTo(first.text());
        assertThat(export("period=2025-03&position=" + position, "text/csv").text())
                .as("the same position gives the same bytes").isEqualTo(first.text());
    }

    @Test
    void theCurrentPeriodIsOpenAndShowsFlushedUsageAsJsonLines() throws Exception {
        String user = "exp-live-user";
        for (int i = 0; i < 3; i++) {
            assertThat(SIDECAR.acquire(user, "maps").status()).isEqualTo(200);
        }
        String period = YearMonth.now(ZoneOffset.UTC).toString();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<JsonNode> lines = export("period=" + period, "application/jsonl").text().lines().map(l -> {
                try {
                    return JSON.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError(l, e);
                }
            }).toList();
            assertThat(lines.get(0).path("type").asText()).isEqualTo("header");
            assertThat(lines.get(0).path("closed").asBoolean()).isFalse();
            JsonNode trailer = lines.get(lines.size() - 1);
            assertThat(trailer.path("type").asText()).isEqualTo("trailer");
            assertThat(trailer.path("rows").asLong()).isEqualTo(lines.size() - 2);
            JsonNode row = lines.stream().filter(l -> l.path("user_id").asText().equals(user)).findFirst().orElse(null);
            if (row != null && row.path("requests").asLong() == 3) {
                assertThat(row.path("tier").asText()).isEqualTo("free");
                assertThat(row.path("api_id").asText()).isEqualTo("maps");
                return;
            }
            assertThat(System.nanoTime()).as("the flushed usage in the export within 20 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void badParametersAre400() {
        assertThat(export("", "text/csv").status()).isEqualTo(400);
        assertThat(export("period=2025-13", "text/csv").status()).isEqualTo(400);
        assertThat(export("period_start=yesterday", "text/csv").status()).isEqualTo(400);
        assertThat(export("period=2025-03&position=x", "text/csv").status()).isEqualTo(400);
        assertThat(SIDECAR.send(SIDECAR.request("/admin/ledger/export?period=2025-03").GET()).status()).isEqualTo(401);
    }

    /**
     * A million users' rows stream through with the heap in use (sampled after a collection) staying within a
     * few megabytes of where it started; rows held in memory would take hundreds.
     */
    @Test
    void aMillionUsersStreamWithFlatMemory() throws Exception {
        int users = 1_000_000;
        sql("INSERT INTO usage_ledger (user_id, period_start, api_id, period_end, requests, bandwidth_bytes, compute_ms) "
                + "SELECT 'bulk-' || lpad(g::text, 7, '0'), '2024-06-01T00:00:00Z', 'maps', '2024-07-01T00:00:00Z', g % 1000, g, g % 77 "
                + "FROM generate_series(1, " + users + ") g", "ANALYZE usage_ledger");
        long baseline = heapAfterGc();
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                peak.accumulateAndGet(heapAfterGc(), Math::max);
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long rows = 0;
        String last = null;
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> r = client.send(SIDECAR.request("/admin/ledger/export?period=2024-06")
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + SIDECAR.adminToken()).header("Accept", "text/csv").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("bulk-")) {
                    rows++;
                }
                last = line;
            }
        } finally {
            running.set(false);
            sampler.join();
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(rows).isEqualTo(users);
        assertThat(last).startsWith("# end rows=" + users + " closed=true");
        long growth = peak.get() - baseline;
        System.err.printf("LedgerExportHttpTest: %d rows; heap after GC %d MB at start, peak %d MB while streaming%n",
                rows, baseline >> 20, peak.get() >> 20);
        assertThat(growth).as("heap growth while streaming %d rows", users).isLessThan(64L << 20);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
