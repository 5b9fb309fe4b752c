package io.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/rate-limits/check and the GET /api/rate-limits listings. */
class CheckAndListingHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    @Test
    void checkAnswersWithoutConsuming() {
        String user = "chk-free";
        for (int i = 0; i < 5; i++) {
            Reply r = SIDECAR.check(user, "search");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.allowed()).isTrue();
            assertThat(r.textField("outcome")).isEqualTo("allowed");
            assertThat(r.longField("limit")).isEqualTo(10);
            assertThat(r.longField("remaining")).as("a check of cost 1 leaves 9, every time").isEqualTo(9);
            assertThat(r.header("X-RateLimit-Limit")).hasValue("10");
            assertThat(r.header("X-RateLimit-Remaining")).hasValue("9");
            assertThat(r.header("X-RateLimit-Reset")).isPresent();
        }
        assertThat(SIDECAR.used(user, "minute")).isZero();
        assertThat(SIDECAR.acquire(user, "search").longField("remaining")).as("nothing was consumed by checks").isEqualTo(9);
    }

    @Test
    void checkIsAlways200EvenWhenTheAnswerIsNo() {
        String user = "chk-denied";
        for (int i = 0; i < 10; i++) {
            assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            Reply r = SIDECAR.check(user, "search");
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.allowed()).isFalse();
            assertThat(r.textField("outcome")).isEqualTo("denied_rate");
            assertThat(r.textField("scope")).isEqualTo("user");
            assertThat(r.textField("window")).isEqualTo("minute");
            assertThat(r.longField("retry_after_seconds")).isPositive();
        }
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(10);
    }

    @Test
    void checkWithCostSaysWhetherThatCostWouldFit() {
        String user = "chk-cost";
        SIDECAR.acquire(user, "search", 7);
        Reply fits = SIDECAR.post("/api/rate-limits/check", Map.of("user_id", user, "api_id", "search", "cost", 3));
        assertThat(fits.allowed()).isTrue();
        assertThat(fits.longField("remaining")).isZero();
        Reply tooMuch = SIDECAR.post("/api/rate-limits/check", Map.of("user_id", user, "api_id", "search", "cost", 4));
        assertThat(tooMuch.status()).isEqualTo(200);
        assertThat(tooMuch.allowed()).isFalse();
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(7);
    }

    @Test
    void listingShowsEveryUserWindowWithUsage() {
        String user = "lst-all";
        long before = Instant.now().getEpochSecond();
        SIDECAR.acquire(user, "search", 4);
        Reply r = SIDECAR.get("/api/rate-limits?user_id=" + user);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.textField("user_id")).isEqualTo(user);
        assertThat(r.textField("tier")).isEqualTo("free");
        List<String> windows = new ArrayList<>();
        for (JsonNode row : r.field("limits")) {
            assertThat(row.path("scope").asText()).isEqualTo("user");
            windows.add(row.path("window").asText());
            long limit = switch (row.path("window").asText()) {
                case "minute" -> 10;
                case "hour" -> 100;
                case "day" -> 1000;
                default -> throw new AssertionError("unexpected window in " + row);
            };
            assertThat(row.path("limit").asLong()).isEqualTo(limit);
            assertThat(row.path("used").asLong()).isEqualTo(4);
            assertThat(row.path("remaining").asLong()).isEqualTo(limit - 4);
            assertThat(row.path("reset_at").asLong()).as("reset of %s", row).isGreaterThan(before);
        }
        assertThat(windows).containsExactlyInAnyOrder("minute", "hour", "day");
    }

    @Test
    void listingOfAnUnknownUserShowsFreeLimitsUnused() {
        Reply r = SIDECAR.get("/api/rate-limits?user_id=lst-nobody");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.textField("tier")).isEqualTo("free");
        assertThat(r.field("limits")).hasSize(3);
        for (JsonNode row : r.field("limits")) {
            assertThat(row.path("used").asLong()).isZero();
            assertThat(row.path("remaining").asLong()).isEqualTo(row.path("limit").asLong());
        }
    }

    @Test
    void perApiListingIncludesUserApiAndGlobalLimits() {
        String user = "lst-api";
        String api = "lst-reports";
        assertThat(SIDECAR.admin("PUT", "/admin/users/" + user + "/apis/" + api + "/limits/minute", Map.of("limit", 4)).status())
                .isEqualTo(200);
        assertThat(SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/hour", Map.of("limit", 50)).status()).isEqualTo(200);
        SIDECAR.acquire(user, api, 2);
        SIDECAR.acquire("lst-api-other", api, 1);

        Reply r = SIDECAR.get("/api/rate-limits/" + api + "?user_id=" + user);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.textField("api_id")).isEqualTo(api);
        JsonNode userMinute = row(r, "user", "minute");
        assertThat(userMinute.path("used").asLong()).isEqualTo(2);
        JsonNode userApi = row(r, "user_api", "minute");
        assertThat(userApi.path("api_id").asText()).isEqualTo(api);
        assertThat(userApi.path("limit").asLong()).isEqualTo(4);
        assertThat(userApi.path("used").asLong()).isEqualTo(2);
        assertThat(userApi.path("remaining").asLong()).isEqualTo(2);
        JsonNode global = row(r, "api", "hour");
        assertThat(global.path("api_id").asText()).isEqualTo(api);
        assertThat(global.path("limit").asLong()).isEqualTo(50);
        assertThat(global.path("used").asLong()).as("all users of the API together").isEqualTo(3);
        assertThat(global.path("remaining").asLong()).isEqualTo(47);

        Reply all = SIDECAR.get("/api/rate-limits?user_id=" + user);
        assertThat(row(all, "user_api", "minute").path("api_id").asText()).isEqualTo(api);
        Reply otherApi = SIDECAR.get("/api/rate-limits/lst-other-api?user_id=" + user);
        for (JsonNode row : otherApi.field("limits")) {
            assertThat(row.path("scope").asText()).as("another API has no user_api or api rows").isEqualTo("user");
        }
    }

    static JsonNode row(Reply r, String scope, String window) {
        for (JsonNode row : r.field("limits")) {
            if (scope.equals(row.path("scope").asText()) && window.equals(row.path("window").asText())) {
                return row;
            }
        }
        throw new AssertionError("no " + scope + "/" + window + " row in " + r);
    }
}
