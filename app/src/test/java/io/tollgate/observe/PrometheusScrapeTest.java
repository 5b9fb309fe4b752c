package io.tollgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.testing.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus server scrapes the sidecar every second; its HTTP query API then shows the
 * decision counter with the number of acquires made.
 */
class PrometheusScrapeTest {
    private static final int ACQUIRES = 7;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestSidecar sidecar;
    private static Process prometheus;
    private static int prometheusPort;
    @TempDir
    static Path dir;

    static Path binary() {
        for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    @BeforeAll
    static void start() throws Exception {
        Path binary = binary();
        if (binary == null) {
            System.out.println("PrometheusScrapeTest skipped: no prometheus binary (bash deploy/install-test-tools.sh installs it)");
        }
        assumeTrue(binary != null, "the prometheus binary is not installed (deploy/install-test-tools.sh installs it)");
        sidecar = TestSidecar.start(Map.of());
        prometheusPort = Ports.free();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: tollgate
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(sidecar.port()));
        prometheus = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (sidecar != null) {
                sidecar.close();
            }
        }
    }

    @Test
    void prometheusSeesTheDecisionCounter() throws Exception {
        for (int i = 0; i < ACQUIRES; i++) {
            assertThat(sidecar.acquire("prometheus-user", "prometheus-api").statusCode()).isEqualTo(200);
        }
        String query = "sum(tollgate_decisions_total{job=\"tollgate\",kind=\"acquire\",outcome=\"allowed\","
                + "api=\"prometheus-api\"})";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            JsonNode result = query(query);
            if (result != null && result.size() == 1) {
                last = result.get(0).get("value").get(1).asText();
                if (Double.parseDouble(last) == ACQUIRES) {
                    break;
                }
            }
            TestSidecar.sleep(500);
        }
        assertThat(last).as("Prometheus's value of " + query + "; log: " + log()).isEqualTo(Integer.toString(ACQUIRES));
        JsonNode up = query("up{job=\"tollgate\"}");
        assertThat(up.get(0).get("value").get(1).asText()).isEqualTo("1");
        JsonNode buckets = query("tollgate_decision_duration_seconds_bucket{job=\"tollgate\",kind=\"acquire\",le=\"+Inf\"}");
        assertThat(buckets.get(0).get("value").get(1).asText()).isEqualTo(Integer.toString(ACQUIRES));
    }

    private static JsonNode query(String promql) {
        try {
            HttpResponse<String> res = sidecar.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + prometheusPort + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return null;
            }
            return JSON.readTree(res.body()).get("data").get("result");
        } catch (java.io.IOException e) {
            return null; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
