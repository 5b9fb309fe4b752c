package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /admin against a real sidecar: authentication, tiers and multipliers, custom, per-API and global
 * limits, counter resets, read-back, and that every change shows on the very next acquire.
 */
class AdminHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    // ---- authentication ----

    @Test
    void missingTokenIs401WithJson() {
        Reply r = SIDECAR.adminAs(null, "GET", "/admin/users/adm-auth", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json()).as("JSON body: %s", r).isNotNull();
        assertThat(r.textField("error")).isEqualTo("unauthorized");
        assertThat(r.textField("field")).isEqualTo("authorization");
        assertThat(r.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void wrongTokenIs401AndChangesNothing() {
        for (String auth : new String[] {"Bearer wrong", "Bearer " + SIDECAR.adminToken() + "x", SIDECAR.adminToken(),
                "Basic " + SIDECAR.adminToken(), "Bearer "}) {
            Reply r = SIDECAR.adminAs(auth, "PUT", "/admin/users/adm-auth-wrong", Map.of("tier", "enterprise"));
            assertThat(r.status()).as("Authorization: %s -> %s", auth, r).isEqualTo(401);
            assertThat(r.textField("field")).isEqualTo("authorization");
        }
        assertThat(SIDECAR.admin("GET", "/admin/users/adm-auth-wrong", null).textField("tier")).isEqualTo("free");
        assertThat(SIDECAR.acquire("adm-auth-wrong", "search").longField("limit")).isEqualTo(10);
    }

    @Test
    void everyAdminRouteNeedsTheToken() {
        String[][] routes = {
                {"GET", "/admin/users/u1"}, {"PUT", "/admin/users/u1"},
                {"PUT", "/admin/users/u1/limits/minute"}, {"DELETE", "/admin/users/u1/limits/minute"},
                {"PUT", "/admin/users/u1/apis/a1/limits/minute"}, {"DELETE", "/admin/users/u1/apis/a1/limits/minute"},
                {"PUT", "/admin/users/u1/quota"}, {"DELETE", "/admin/users/u1/quota"},
                {"POST", "/admin/users/u1/reset"}, {"GET", "/admin/apis/a1"},
                {"PUT", "/admin/apis/a1/limits/minute"}, {"DELETE", "/admin/apis/a1/limits/minute"},
                {"GET", "/admin/cluster"}, {"GET", "/admin/cluster/owner?user_id=u1"},
        };
        for (String[] route : routes) {
            Reply r = SIDECAR.adminAs(null, route[0], route[1], Map.of("tier", "pro", "limit", 1));
            assertThat(r.status()).as("%s %s -> %s", route[0], route[1], r).isEqualTo(401);
        }
    }

    // ---- tier and multiplier ----

    @Test
    void proTierGives300PerMinute() {
        String user = "adm-pro";
        Reply set = SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "pro"));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.textField("tier")).isEqualTo("pro");
        assertThat(set.field("effective_limits").path("minute").asLong()).isEqualTo(300);
        assertThat(set.field("effective_limits").path("hour").asLong()).isEqualTo(5000);
        assertThat(set.field("effective_limits").path("day").asLong()).isEqualTo(50000);
        for (int i = 1; i <= 12; i++) {
            Reply r = SIDECAR.acquire(user, "search");
            assertThat(r.status()).as("acquire %d beyond FREE's 10: %s", i, r).isEqualTo(200);
            assertThat(r.textField("tier")).isEqualTo("pro");
            assertThat(r.longField("limit")).isEqualTo(300);
            assertThat(r.longField("remaining")).isEqualTo(300 - i);
        }
        assertThat(SIDECAR.userLimit(user, "minute").path("limit").asLong()).isEqualTo(300);
        Reply big = SIDECAR.acquire(user, "search", 288);
        assertThat(big.status()).isEqualTo(200);
        assertThat(big.longField("remaining")).isZero();
        Reply denied = SIDECAR.acquire(user, "search");
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.textField("tier")).isEqualTo("pro");
    }

    @Test
    void multiplierScalesTheTierLimits() {
        String user = "adm-mult";
        Reply set = SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "free", "multiplier", 2.5));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.field("multiplier").asDouble()).isEqualTo(2.5);
        assertThat(set.field("effective_limits").path("minute").asLong()).isEqualTo(25);
        assertThat(set.field("effective_limits").path("hour").asLong()).isEqualTo(250);
        assertThat(set.field("effective_limits").path("day").asLong()).isEqualTo(2500);
        for (int i = 1; i <= 25; i++) {
            Reply r = SIDECAR.acquire(user, "search");
            assertThat(r.status()).as("acquire %d: %s", i, r).isEqualTo(200);
            assertThat(r.longField("limit")).isEqualTo(25);
        }
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(429);
        assertThat(SIDECAR.userLimit(user, "hour").path("limit").asLong()).isEqualTo(250);
    }

    @Test
    void badTierOrMultiplierIs400NamingTheFieldAndChangesNothing() {
        String user = "adm-bad-tier";
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "platinum")), "tier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("multiplier", 2)), "tier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", 3)), "tier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "pro", "multiplier", 0)), "multiplier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "pro", "multiplier", -1)), "multiplier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "pro", "multiplier", "2")), "multiplier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "pro", "multiplier", 1e9)), "multiplier");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user,
                Map.of("tier", "pro", "billing_time_zone", "Mars/Olympus")), "billing_time_zone");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/" + user,
                Map.of("tier", "pro", "billing_anchor_day", 32)), "billing_anchor_day");
        Reply back = SIDECAR.admin("GET", "/admin/users/" + user, null);
        assertThat(back.textField("tier")).isEqualTo("free");
        assertThat(back.field("multiplier").asDouble()).isEqualTo(1.0);
        assertThat(SIDECAR.acquire(user, "search").longField("limit")).isEqualTo(10);
    }

    // ---- custom limits ----

    @Test
    void customUserLimitOverridesTheTierAndDeleteRestoresIt() {
        String user = "adm-custom";
        Reply set = SIDECAR.admin("PUT", "/admin/users/" + user + "/limits/minute", Map.of("limit", 3));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.field("custom_limits").path("minute").asLong()).isEqualTo(3);
        assertThat(set.field("effective_limits").path("minute").asLong()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            Reply r = SIDECAR.acquire(user, "search");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.longField("limit")).isEqualTo(3);
        }
        Reply fourth = SIDECAR.acquire(user, "search");
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.textField("scope")).isEqualTo("user");
        assertThat(fourth.textField("window")).isEqualTo("minute");
        assertThat(fourth.longField("limit")).isEqualTo(3);

        Reply deleted = SIDECAR.admin("DELETE", "/admin/users/" + user + "/limits/minute", null);
        assertThat(deleted.status()).as("%s", deleted).isEqualTo(200);
        assertThat(deleted.field("custom_limits").has("minute")).isFalse();
        Reply again = SIDECAR.acquire(user, "search");
        assertThat(again.status()).as("tier's 10/min again: %s", again).isEqualTo(200);
        assertThat(again.longField("limit")).isEqualTo(10);
        assertThat(again.longField("remaining")).isEqualTo(6);
    }

    @Test
    void customLimitOnAWindowTheTierDoesNotHave() {
        String user = "adm-custom-second";
        assertThat(SIDECAR.admin("PUT", "/admin/users/" + user + "/limits/second", Map.of("limit", 2)).status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        Reply third = SIDECAR.acquire(user, "search");
        // Three calls within one second are the normal case; if this machine was slower than that, skip the claim.
        if (third.status() == 429) {
            assertThat(third.textField("window")).isEqualTo("second");
        }
        assertThat(SIDECAR.userLimit(user, "second").path("limit").asLong()).isEqualTo(2);
    }

    @Test
    void perUserApiLimitAppliesOnlyToThatApi() {
        String user = "adm-userapi";
        Reply set = SIDECAR.admin("PUT", "/admin/users/" + user + "/apis/reports/limits/minute", Map.of("limit", 2));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.field("api_limits").path("reports").path("minute").asLong()).isEqualTo(2);
        assertThat(SIDECAR.acquire(user, "reports").status()).isEqualTo(200);
        Reply second = SIDECAR.acquire(user, "reports");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.textField("scope")).as("the tightest window names the headers").isEqualTo("user_api");
        assertThat(second.longField("remaining")).isZero();
        Reply third = SIDECAR.acquire(user, "reports");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.textField("scope")).isEqualTo("user_api");
        assertThat(third.longField("limit")).isEqualTo(2);
        Reply other = SIDECAR.acquire(user, "search");
        assertThat(other.status()).as("another API is only under the user's 10/min: %s", other).isEqualTo(200);
        assertThat(other.longField("remaining")).isEqualTo(7);
        assertThat(SIDECAR.acquire("adm-userapi-other", "reports", 5).status()).as("another user is not limited").isEqualTo(200);

        assertThat(SIDECAR.admin("DELETE", "/admin/users/" + user + "/apis/reports/limits/minute", null).status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(user, "reports").status()).isEqualTo(200);
    }

    @Test
    void globalApiLimitCountsAllUsersTogether() {
        String api = "adm-global";
        Reply set = SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/minute", Map.of("limit", 5));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.field("global_limits").path("minute").asLong()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            Reply r = SIDECAR.acquire("adm-global-user-" + i, api);
            assertThat(r.status()).as("user %d: %s", i, r).isEqualTo(200);
        }
        Reply sixth = SIDECAR.acquire("adm-global-user-5", api);
        assertThat(sixth.status()).as("%s", sixth).isEqualTo(429);
        assertThat(sixth.textField("outcome")).isEqualTo("denied_rate");
        assertThat(sixth.textField("scope")).isEqualTo("api");
        assertThat(sixth.textField("window")).isEqualTo("minute");
        assertThat(sixth.longField("limit")).isEqualTo(5);
        assertThat(sixth.header("Retry-After")).isPresent();
        assertThat(SIDECAR.used("adm-global-user-5", "minute")).as("a global denial consumes nothing of the user's").isZero();
        assertThat(SIDECAR.acquire("adm-global-user-5", "other-api").status()).isEqualTo(200);

        assertThat(SIDECAR.admin("DELETE", "/admin/apis/" + api + "/limits/minute", null).status()).isEqualTo(200);
        assertThat(SIDECAR.acquire("adm-global-user-6", api).status()).isEqualTo(200);
    }

    /** A user denied by its own limit must give back the global unit it took first (compensation). */
    @Test
    void userDenialDoesNotConsumeTheGlobalWindow() {
        String api = "adm-compensate";
        String greedy = "adm-comp-greedy";
        assertThat(SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/minute", Map.of("limit", 5)).status()).isEqualTo(200);
        assertThat(SIDECAR.admin("PUT", "/admin/users/" + greedy + "/limits/minute", Map.of("limit", 1)).status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(greedy, api).status()).isEqualTo(200);
        for (int i = 0; i < 4; i++) {
            Reply r = SIDECAR.acquire(greedy, api);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.textField("scope")).isEqualTo("user");
        }
        for (int i = 0; i < 4; i++) {
            assertThat(SIDECAR.acquire("adm-comp-user-" + i, api).status())
                    .as("global 5/min: 1 used by the greedy user, the other 4 are free").isEqualTo(200);
        }
        Reply full = SIDECAR.acquire("adm-comp-user-4", api);
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.textField("scope")).isEqualTo("api");
        Reply listing = SIDECAR.get("/api/rate-limits/" + api + "?user_id=adm-comp-user-4");
        assertThat(CheckAndListingHttpTest.row(listing, "api", "minute").path("used").asLong()).isEqualTo(5);
    }

    @Test
    void unknownWindowIs400NamingWindow() {
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/adm-win/limits/fortnight", Map.of("limit", 3)), "window");
        assertBadRequest(SIDECAR.admin("DELETE", "/admin/users/adm-win/limits/fortnight", null), "window");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/users/adm-win/apis/a/limits/week", Map.of("limit", 3)), "window");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/apis/adm-win-api/limits/year", Map.of("limit", 3)), "window");
        assertBadRequest(SIDECAR.admin("DELETE", "/admin/apis/adm-win-api/limits/year", null), "window");
        assertThat(SIDECAR.admin("GET", "/admin/users/adm-win", null).field("custom_limits").size()).isZero();
        assertThat(SIDECAR.admin("GET", "/admin/apis/adm-win-api", null).field("global_limits").size()).isZero();
    }

    @Test
    void badLimitValueIs400NamingLimit() {
        String path = "/admin/users/adm-badlimit/limits/minute";
        assertBadRequest(SIDECAR.admin("PUT", path, Map.of("limit", 0)), "limit");
        assertBadRequest(SIDECAR.admin("PUT", path, Map.of("limit", -3)), "limit");
        assertBadRequest(SIDECAR.admin("PUT", path, Map.of("limit", 2.5)), "limit");
        assertBadRequest(SIDECAR.admin("PUT", path, Map.of("limit", "3")), "limit");
        assertBadRequest(SIDECAR.admin("PUT", path, Map.of("max", 3)), "limit");
        assertBadRequest(SIDECAR.admin("PUT", "/admin/apis/adm-badlimit/limits/minute", Map.of("limit", 0)), "limit");
        assertThat(SIDECAR.acquire("adm-badlimit", "search").longField("limit")).isEqualTo(10);
    }

    // ---- reset, read-back, immediacy ----

    @Test
    void resetClearsTheUsersCounters() {
        String user = "adm-reset";
        for (int i = 0; i < 10; i++) {
            SIDECAR.acquire(user, "search");
        }
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(429);
        Reply reset = SIDECAR.admin("POST", "/admin/users/" + user + "/reset", null);
        assertThat(reset.status()).as("%s", reset).isEqualTo(200);
        assertThat(reset.field("reset").asBoolean()).isTrue();
        assertThat(SIDECAR.used(user, "minute")).isZero();
        assertThat(SIDECAR.used(user, "day")).isZero();
        Reply after = SIDECAR.acquire(user, "search");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.longField("remaining")).isEqualTo(9);
        assertThat(SIDECAR.acquire("adm-reset-bystander", "search").longField("remaining")).isEqualTo(9);
    }

    @Test
    void resetOfAUserWithoutCountersSaysSo() {
        Reply reset = SIDECAR.admin("POST", "/admin/users/adm-reset-nobody/reset", null);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.field("reset").asBoolean()).isFalse();
    }

    @Test
    void everythingSetCanBeReadBack() {
        String user = "adm-read";
        SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "basic", "multiplier", 2,
                "billing_anchor_day", 15, "billing_time_zone", "Asia/Kolkata"));
        SIDECAR.admin("PUT", "/admin/users/" + user + "/limits/hour", Map.of("limit", 77));
        SIDECAR.admin("PUT", "/admin/users/" + user + "/apis/maps/limits/day", Map.of("limit", 9));
        Reply u = SIDECAR.admin("GET", "/admin/users/" + user, null);
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.textField("user_id")).isEqualTo(user);
        assertThat(u.textField("tier")).isEqualTo("basic");
        assertThat(u.field("multiplier").asDouble()).isEqualTo(2.0);
        assertThat(u.field("billing_anchor_day").asInt()).isEqualTo(15);
        assertThat(u.textField("billing_time_zone")).isEqualTo("Asia/Kolkata");
        assertThat(u.field("custom_limits").path("hour").asLong()).isEqualTo(77);
        assertThat(u.field("api_limits").path("maps").path("day").asLong()).isEqualTo(9);
        assertThat(u.field("effective_limits").path("minute").asLong()).isEqualTo(120);
        assertThat(u.field("effective_limits").path("hour").asLong()).as("custom, not scaled").isEqualTo(77);
        assertThat(u.field("effective_limits").path("day").asLong()).isEqualTo(20000);

        SIDECAR.admin("PUT", "/admin/apis/adm-read-api/limits/second", Map.of("limit", 100));
        SIDECAR.admin("PUT", "/admin/apis/adm-read-api/limits/day", Map.of("limit", 1_000_000));
        Reply a = SIDECAR.admin("GET", "/admin/apis/adm-read-api", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.textField("api_id")).isEqualTo("adm-read-api");
        assertThat(a.field("global_limits").path("second").asLong()).isEqualTo(100);
        assertThat(a.field("global_limits").path("day").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void unconfiguredUserReadsBackAsFree() {
        Reply u = SIDECAR.admin("GET", "/admin/users/adm-never-set", null);
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.textField("tier")).isEqualTo("free");
        assertThat(u.field("effective_limits").path("minute").asLong()).isEqualTo(10);
    }

    @Test
    void policyChangesTakeEffectOnTheNextAcquire() {
        String user = "adm-immediate";
        for (int i = 0; i < 5; i++) {
            assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        }
        SIDECAR.admin("PUT", "/admin/users/" + user + "/limits/minute", Map.of("limit", 5));
        assertThat(SIDECAR.acquire(user, "search").status()).as("limit lowered to what is used").isEqualTo(429);
        SIDECAR.admin("PUT", "/admin/users/" + user + "/limits/minute", Map.of("limit", 6));
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(429);
        SIDECAR.admin("DELETE", "/admin/users/" + user + "/limits/minute", null);
        SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "enterprise"));
        Reply r = SIDECAR.acquire(user, "search");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.textField("tier")).isEqualTo("enterprise");
        assertThat(r.longField("limit")).isEqualTo(1000);
        SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "free"));
        Reply free = SIDECAR.acquire(user, "search");
        assertThat(free.longField("limit")).as("back to FREE: %s", free).isEqualTo(10);
        assertThat(free.longField("remaining")).as("8 used of FREE's 10").isEqualTo(2);
        SIDECAR.acquire(user, "search");
        SIDECAR.acquire(user, "search");
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(429);
    }

    @Test
    void clusterViewListsThisMember() {
        Reply r = SIDECAR.admin("GET", "/admin/cluster", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.field("members")).hasSize(1);
        assertThat(r.field("members").get(0).path("local").asBoolean()).isTrue();
        Reply owner = SIDECAR.admin("GET", "/admin/cluster/owner?user_id=adm-owner", null);
        assertThat(owner.status()).isEqualTo(200);
        assertThat(owner.textField("address")).isEqualTo(r.field("members").get(0).path("address").asText());
    }

    static void assertBadRequest(Reply r, String field) {
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.json()).as("JSON body: %s", r).isNotNull();
        assertThat(r.textField("error")).isEqualTo("bad_request");
        assertThat(r.textField("field")).as("%s", r).isEqualTo(field);
        assertThat(r.textField("message")).isNotBlank();
    }
}
