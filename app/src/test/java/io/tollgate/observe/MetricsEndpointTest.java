package io.tollgate.observe;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.tollgate.observe.PromText.sum;
import static io.tollgate.observe.PromText.value;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /metrics on a real sidecar after a known set of calls: names, labels, values, bounded cardinality. */
class MetricsEndpointTest {
    private static final String HEAVY_USER = "metrics-user-heavy";
    private static final String SPREAD_USER = "metrics-user-spread";
    private static final int MAX_API_LABELS = 3;
    private static TestSidecar sidecar;
    private static List<PromText.Sample> samples;

    @BeforeAll
    static void run() {
        sidecar = TestSidecar.start(Map.of("tollgate.metrics.max-api-labels", Integer.toString(MAX_API_LABELS)));
        // FREE: 10 per minute. 12 acquires: 10 allowed, 2 denied by the minute window.
        for (int i = 0; i < 12; i++) {
            sidecar.acquire(HEAVY_USER, "search");
        }
        sidecar.check(HEAVY_USER, "search");
        sidecar.check(HEAVY_USER, "search");
        // Five more APIs: with a cap of 3 labels ("search" holds one), two get their own, three are "other".
        for (int i = 1; i <= 5; i++) {
            assertThat(sidecar.acquire(SPREAD_USER, "api-" + i).statusCode()).isEqualTo(200);
        }
        sidecar.get("/api/rate-limits/search?user_id=" + HEAVY_USER);
        sidecar.get("/no/such/path/" + HEAVY_USER);
        // The collector runs every second: wait for its view of the 15 billed calls.
        samples = sidecar.scrapeUntil("the collector's quota sums", s ->
                value(s, "tollgate_quota_used", "tier", "free", "meter", "requests").orElse(0.0) == 15.0
                        && value(s, "tollgate_api_calls_total", "tier", "free", "api", "search").orElse(0.0) == 10.0);
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void decisionsAreCountedByKindOutcomeTierAndApi() {
        assertThat(value(samples, "tollgate_decisions_total",
                "kind", "acquire", "outcome", "allowed", "tier", "free", "api", "search")).contains(10.0);
        assertThat(value(samples, "tollgate_decisions_total",
                "kind", "acquire", "outcome", "denied_rate", "tier", "free", "api", "search")).contains(2.0);
        assertThat(value(samples, "tollgate_decisions_total",
                "kind", "check", "outcome", "denied_rate", "tier", "free", "api", "search")).contains(2.0);
        assertThat(value(samples, "tollgate_decision_duration_seconds_count", "kind", "acquire")).contains(17.0);
        assertThat(value(samples, "tollgate_decision_duration_seconds_bucket", "kind", "acquire", "le", "+Inf"))
                .contains(17.0);
        Set<String> buckets = samples.stream()
                .filter(s -> s.name().equals("tollgate_decision_duration_seconds_bucket") && s.has("kind", "acquire"))
                .map(s -> s.labels().get("le")).collect(Collectors.toSet());
        assertThat(buckets).hasSize(14).contains("1.0E-4", "0.005", "1.0", "+Inf");
    }

    @Test
    void apiLabelsAreCappedAndNoLabelCarriesAUserId() {
        Set<String> apis = samples.stream().filter(s -> s.name().equals("tollgate_decisions_total"))
                .map(s -> s.labels().get("api")).collect(Collectors.toSet());
        assertThat(apis).contains("search", "other").hasSize(MAX_API_LABELS + 1);
        assertThat(sum(samples, "tollgate_decisions_total", "kind", "acquire", "api", "other")).isEqualTo(3.0);
        for (PromText.Sample s : samples) {
            assertThat(s.labels().values()).as(s.toString())
                    .noneMatch(v -> v.contains(HEAVY_USER) || v.contains(SPREAD_USER));
        }
    }

    @Test
    void httpRequestsAreCountedByRouteTemplate() {
        assertThat(value(samples, "tollgate_http_requests_total",
                "route", "/api/rate-limits/acquire", "method", "POST", "status", "200")).contains(15.0);
        assertThat(value(samples, "tollgate_http_requests_total",
                "route", "/api/rate-limits/acquire", "method", "POST", "status", "429")).contains(2.0);
        assertThat(value(samples, "tollgate_http_requests_total",
                "route", "/api/rate-limits/{api_id}", "method", "GET", "status", "200")).contains(1.0);
        // (Its status is whatever the error handlers make of Helidon's NotFoundException.)
        assertThat(sum(samples, "tollgate_http_requests_total", "route", "other", "method", "GET")).isEqualTo(1.0);
        assertThat(value(samples, "tollgate_http_request_duration_seconds_count",
                "route", "/api/rate-limits/acquire", "method", "POST")).contains(17.0);
        assertThat(value(samples, "tollgate_http_request_size_bytes_count", "route", "/api/rate-limits/acquire"))
                .contains(17.0);
        assertThat(value(samples, "tollgate_http_request_size_bytes_sum", "route", "/api/rate-limits/acquire")
                .orElseThrow()).isGreaterThan(17 * 30.0);
        assertThat(value(samples, "tollgate_http_response_size_bytes_sum", "route", "/api/rate-limits/acquire")
                .orElseThrow()).isGreaterThan(17 * 100.0);
        Set<String> routes = samples.stream().filter(s -> s.name().equals("tollgate_http_requests_total"))
                .map(s -> s.labels().get("route")).collect(Collectors.toSet());
        assertThat(routes).allMatch(r -> r.equals("other") || r.startsWith("/"))
                .noneMatch(r -> r.contains(HEAVY_USER) || r.contains("no/such"));
    }

    @Test
    void businessDatabaseAndClusterGauges() {
        assertThat(value(samples, "tollgate_api_calls_total", "tier", "free", "api", "search")).contains(10.0);
        assertThat(value(samples, "tollgate_revenue_total", "tier", "free", "api", "search")).contains(0.0);
        // Read after a collector round of its own, as the active users below: once, the first scrape
        // that saw the 15 calls still read a limit of 0.
        List<PromText.Sample> limits = sidecar.scrapeUntil("the quota limit sum", s ->
                value(s, "tollgate_quota_limit", "tier", "free", "meter", "requests").orElse(0.0) == 20_000.0);
        assertThat(value(limits, "tollgate_quota_limit", "tier", "free", "meter", "requests")).contains(20_000.0);
        assertThat(value(samples, "tollgate_quota_users_over_threshold",
                "tier", "free", "meter", "requests", "threshold", "0.8")).contains(0.0);
        List<PromText.Sample> later = sidecar.scrapeUntil("active users", s ->
                value(s, "tollgate_active_users", "period", "day").orElse(0.0) == 2.0);
        assertThat(value(later, "tollgate_active_users", "period", "billing")).contains(2.0);
        assertThat(value(samples, "tollgate_db_up")).contains(1.0);
        assertThat(value(samples, "tollgate_ready")).contains(1.0);
        assertThat(value(samples, "tollgate_db_pool_connections", "state", "idle")).isPresent();
        assertThat(value(samples, "tollgate_db_pool_connections", "state", "pending")).contains(0.0);
        assertThat(value(samples, "tollgate_cluster_members")).contains(1.0);
        assertThat(value(samples, "tollgate_cluster_partitions_owned")).contains(271.0);
        assertThat(value(samples, "tollgate_cluster_map_entries", "map", "tollgate-users").orElseThrow())
                .isGreaterThanOrEqualTo(2.0);
        // tollgate-users is kept in OBJECT format: Hazelcast has no memory cost for it (NaN, not 0 or -1).
        double usersMemory = value(samples, "tollgate_cluster_map_memory_bytes", "map", "tollgate-users").orElseThrow();
        assertThat(Double.isNaN(usersMemory) || usersMemory > 0).as("memory " + usersMemory).isTrue();
        assertThat(value(samples, "tollgate_events_connections")).contains(0.0);
        assertThat(value(samples, "tollgate_ledger_backlog_users")).isPresent();
        assertThat(value(samples, "tollgate_entry_processor_duration_seconds_count", "processor", "user_acquire"))
                .isPresent();
    }

    @Test
    void everyResponseCarriesATraceIdWhenTracingIsOff() {
        HttpResponse<String> res = sidecar.check("trace-off-user", "search");
        String traceId = res.headers().firstValue("X-Trace-Id").orElseThrow();
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(res.headers().firstValue("traceresponse").orElseThrow())
                .matches("00-" + traceId + "-[0-9a-f]{16}-00");
        String caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        HttpResponse<String> propagated = sidecar.post("/api/rate-limits/check",
                "{\"user_id\":\"trace-off-user\",\"api_id\":\"search\"}", "traceparent", caller);
        assertThat(propagated.headers().firstValue("X-Trace-Id")).contains("0af7651916cd43dd8448eb211c80319c");
    }
}
