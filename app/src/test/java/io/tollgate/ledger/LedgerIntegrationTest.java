package io.tollgate.ledger;

import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.Totals;
import io.tollgate.core.UserState;
import io.tollgate.testing.Ports;
import io.tollgate.testing.Sidecar;
import io.tollgate.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The quota ledger against a real PostgreSQL and a real sidecar over HTTP. */
class LedgerIntegrationTest {
    private static TestDatabase db;
    private static Sidecar sidecar;

    @BeforeAll
    static void start() {
        db = new TestDatabase();
        sidecar = Sidecar.start(db.url(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void requestQuotaExhaustionAnswers429NamingTheQuotaWithRetryAfterAtPeriodEnd() {
        String user = "quota-user";
        assertThat(sidecar.admin("PUT", "/admin/users/" + user, "{\"tier\":\"enterprise\"}").status()).isEqualTo(200);
        assertThat(sidecar.admin("PUT", "/admin/users/" + user + "/quota",
                "{\"requests\":5,\"bandwidth_bytes\":1000000,\"compute_ms\":1000000}").status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(sidecar.acquire(user, "maps").status()).isEqualTo(200);
        }
        Sidecar.Reply denied = sidecar.acquire(user, "maps");
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.body().get("outcome").asText()).isEqualTo("denied_quota");
        assertThat(denied.body().get("quota").asText()).isEqualTo("requests");
        long periodEnd = Instant.parse(sidecar.get("/api/quotas?user_id=" + user).body().get("period_end").asText())
                .getEpochSecond();
        long retryAfter = Long.parseLong(denied.raw().headers().firstValue("Retry-After").orElseThrow());
        long expected = periodEnd - Instant.now().getEpochSecond();
        assertThat(retryAfter).isBetween(expected - 5, expected + 5);
        awaitTrue(() -> ledgerRequests(user) == 5);
    }

    @Test
    void bandwidthAndComputeAreCheckedByTheNextAcquireAndUsageCountsOncePerRequestId() {
        String user = "bandwidth-user";
        sidecar.admin("PUT", "/admin/users/" + user + "/quota",
                "{\"requests\":1000,\"bandwidth_bytes\":1000,\"compute_ms\":1000000}");
        assertThat(sidecar.acquire(user, "video").status()).isEqualTo(200);
        String usage = "{\"user_id\":\"" + user + "\",\"api_id\":\"video\",\"request_id\":\"call-1\",\"bytes\":1000,\"compute_ms\":7}";
        assertThat(sidecar.post("/api/usage", usage).body().get("recorded").asBoolean()).isTrue();
        assertThat(sidecar.post("/api/usage", usage).body().get("recorded").asBoolean()).isFalse();
        Sidecar.Reply denied = sidecar.acquire(user, "video");
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.body().get("quota").asText()).isEqualTo("bandwidth_bytes");
        awaitTrue(() -> {
            var totals = sidecar.admin("GET", "/admin/ledger/totals?user_id=" + user, null).body();
            return totals.get("bandwidth_bytes").asLong() == 1000 && totals.get("compute_ms").asLong() == 7
                    && totals.get("requests").asLong() == 1;
        });
        var quotas = sidecar.get("/api/quotas?user_id=" + user).body();
        assertThat(quotas.get("meters").get(1).get("used").asLong()).isEqualTo(1000);
        assertThat(quotas.get("apis").get(0).get("api_id").asText()).isEqualTo("video");
    }

    @Test
    void theSameRequestIdCountsOnceAndReturnsTheFirstAnswer() {
        String user = "idempotent-user";
        String body = "{\"user_id\":\"" + user + "\",\"api_id\":\"a\",\"request_id\":\"r-1\"}";
        Sidecar.Reply first = sidecar.post("/api/rate-limits/acquire", body);
        for (int i = 0; i < 3; i++) {
            Sidecar.Reply again = sidecar.post("/api/rate-limits/acquire", body);
            assertThat(again.status()).isEqualTo(first.status());
            assertThat(again.body().get("remaining")).isEqualTo(first.body().get("remaining"));
            assertThat(again.body().get("replayed").asBoolean()).isTrue();
        }
        awaitTrue(() -> ledgerRequests(user) == 1);
        assertThat(sidecar.get("/api/rate-limits?user_id=" + user).body().get("limits").get(0).get("used").asLong())
                .isEqualTo(1);
    }

    @Test
    void anAnchorDayInAUserTimeZoneMovesThePeriod() {
        String user = "kolkata-user";
        sidecar.admin("PUT", "/admin/users/" + user,
                "{\"tier\":\"basic\",\"billing_anchor_day\":15,\"billing_time_zone\":\"Asia/Kolkata\"}");
        var quotas = sidecar.get("/api/quotas?user_id=" + user).body();
        Instant start = Instant.parse(quotas.get("period_start").asText());
        Instant end = Instant.parse(quotas.get("period_end").asText());
        // 00:00 IST on the 15th is 18:30 UTC on the 14th.
        assertThat(start.toString()).endsWith("-14T18:30:00Z");
        assertThat(end.toString()).endsWith("-14T18:30:00Z");
        assertThat(Instant.now()).isBetween(start, end);
    }

    @Test
    void aFullRestartKeepsTheMonthsUsage() {
        try (TestDatabase own = new TestDatabase()) {
            String user = "restart-user";
            try (Sidecar first = Sidecar.start(own.url(), Map.of())) {
                first.admin("PUT", "/admin/users/" + user + "/quota",
                        "{\"requests\":10,\"bandwidth_bytes\":1000000,\"compute_ms\":1000000}");
                for (int i = 0; i < 7; i++) {
                    assertThat(first.acquire(user, "a").status()).isEqualTo(200);
                }
            }
            try (Sidecar second = Sidecar.start(own.url(), Map.of())) {
                Sidecar.Reply quotas = second.get("/api/quotas?user_id=" + user);
                assertThat(quotas.status()).as(quotas.raw().body()).isEqualTo(200);
                var meters = quotas.body().get("meters");
                assertThat(meters.get(0).get("used").asLong()).isEqualTo(7);
                int allowed = 0;
                for (int i = 0; i < 5; i++) {
                    allowed += second.acquire(user, "a").status() == 200 ? 1 : 0;
                }
                assertThat(allowed).isEqualTo(3);
                awaitTrue(() -> second.admin("GET", "/admin/ledger/totals?user_id=" + user, null)
                        .body().get("requests").asLong() == 10);
            }
        }
    }

    @Test
    void aUsersFirstCallStartsFromTheLedgerAdjustmentsIncluded() {
        String user = "adjusted-user";
        sidecar.admin("PUT", "/admin/users/" + user + "/quota",
                "{\"requests\":10,\"bandwidth_bytes\":1000000,\"compute_ms\":1000000}");
        String periodStart = sidecar.get("/api/quotas?user_id=" + user).body().get("period_start").asText();
        Sidecar.Reply charged = sidecar.admin("POST", "/admin/ledger/adjustments", "{\"user_id\":\"" + user
                + "\",\"api_id\":\"a\",\"period_start\":\"" + periodStart + "\",\"requests\":8,\"reason\":\"migrated usage\"}");
        assertThat(charged.status()).as(charged.raw().body()).isEqualTo(201);
        int allowed = 0;
        for (int i = 0; i < 5; i++) {
            allowed += sidecar.acquire(user, "a").status() == 200 ? 1 : 0;
        }
        assertThat(allowed).as("8 of 10 charged before the user's first call").isEqualTo(2);
        awaitTrue(() -> ledgerRequests(user) == 10);
    }

    @Test
    void usageInAnEntryNoEntryProcessorWroteHereIsFlushedToo() {
        // As a partition migration or a split-brain merge writes it: straight into the map, without the
        // entry processors that mark a user for the flusher.
        String user = "moved-user";
        long now = System.currentTimeMillis();
        UserState fresh = UserState.fresh("moved-epoch", BillingCycle.utcCalendarMonth().periodAt(Instant.ofEpochMilli(now)),
                Totals.ZERO);
        UserState moved = new UserState(fresh.counters(), fresh.usage().record("a", new Totals(4, 0, 0), now), fresh.recent());
        sidecar.tollgate().hazelcast().<String, UserState>getMap(ClusterMember.USERS).set(user, moved);
        awaitTrue(() -> ledgerRequests(user) == 4);
    }

    @Test
    void postgresStoppedForAWhileLosesNothing() throws Exception {
        Path dir = Files.createTempDirectory("tollgate-pg-outage");
        int port = Ports.free();
        EmbeddedPostgres pg = startPostgres(dir, port);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        String user = "outage-user";
        try (Sidecar s = Sidecar.start(url, Map.of())) {
            s.admin("PUT", "/admin/users/" + user, "{\"tier\":\"enterprise\"}");
            for (int i = 0; i < 5; i++) {
                assertThat(s.acquire(user, "a").status()).isEqualTo(200);
            }
            awaitTrue(() -> ledgerRequests(s, user) == 5);
            pg.close();
            for (int i = 0; i < 20; i++) {
                assertThat(s.acquire(user, "a").status()).as("limiting continues without PostgreSQL").isEqualTo(200);
            }
            // A user new to the cluster while the ledger is down starts with an unknown base instead of waiting.
            String newcomer = "outage-newcomer";
            for (int i = 0; i < 3; i++) {
                assertThat(s.acquire(newcomer, "a").status()).as("a new user without PostgreSQL").isEqualTo(200);
            }
            awaitTrue(() -> {
                Sidecar.Reply ready = s.get("/health/ready");
                return ready.status() == 503 && ready.body().get("ledger").get("backlog_requests").asLong() == 23;
            });
            pg = startPostgres(dir, port);
            awaitTrue(() -> ledgerRequests(s, user) == 25 && ledgerRequests(s, newcomer) == 3);
            awaitTrue(() -> s.get("/health/ready").status() == 200);
            var reconcile = s.admin("GET", "/admin/ledger/reconcile", null).body();
            assertThat(reconcile.get("consistent").asBoolean()).isTrue();
        } finally {
            pg.close();
        }
    }

    private static EmbeddedPostgres startPostgres(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }

    private static long ledgerRequests(String user) {
        return ledgerRequests(sidecar, user);
    }

    private static long ledgerRequests(Sidecar s, String user) {
        Sidecar.Reply r = s.admin("GET", "/admin/ledger/totals?user_id=" + user, null);
        return r.status() == 200 ? r.body().get("requests").asLong() : -1;
    }

    static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(condition.getAsBoolean()).as("condition within 30 s").isTrue();
    }
}
