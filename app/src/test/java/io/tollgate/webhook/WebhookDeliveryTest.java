package io.tollgate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.http.Reply;
import io.tollgate.http.RunningSidecar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: a real sidecar and PostgreSQL, and a real receiver (Node) that verifies every delivery
 * with the Standard Webhooks reference library. Retries run on a seconds-long schedule.
 */
class WebhookDeliveryTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder()
            .set("tollgate.webhooks.retry-schedule", "1s,1s,1s")
            .set("tollgate.webhooks.attempt-timeout", "1s")
            .set("tollgate.webhooks.allow-http-hosts", "127.0.0.1")
            .set("tollgate.webhooks.allow-private-hosts", "127.0.0.1")
            .set("tollgate.webhooks.poll-interval", "100ms")
            .set("tollgate.webhooks.denial-max-hold", "2s")
            .set("tollgate.ledger.flush-interval", "200ms")
            .build();
    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** A one-member cluster sees no member change after it started: such an endpoint gets only its pings. */
    private static final List<String> PINGS_ONLY = List.of("member_change");

    private static WebhookReceiver receiver;

    @BeforeAll
    static void startReceiver() {
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** Registers an endpoint for {@code path} and tells the receiver its secret; returns the answer. */
    private static Reply register(String path, List<String> events) {
        Reply r = SIDECAR.admin("POST", "/admin/webhooks", Map.of("url", receiver.url(path), "events", events,
                "description", "test " + path));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        receiver.secrets(path, r.textField("secret"));
        return r;
    }

    private static Predicate<List<JsonNode>> atLeast(int n) {
        return list -> list.size() >= n;
    }

    private static List<JsonNode> ofUser(List<JsonNode> deliveries, String user) {
        return deliveries.stream().filter(x -> x.path("payload").path("data").path("user_id").asText().equals(user)).toList();
    }

    private static List<JsonNode> deliveries(String id) {
        Reply r = SIDECAR.admin("GET", "/admin/webhooks/" + id + "/deliveries", null);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        r.field("deliveries").forEach(out::add);
        return out;
    }

    private static JsonNode awaitDelivery(String id, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (true) {
            List<JsonNode> all = deliveries(id);
            if (!all.isEmpty() && done.test(all.get(0))) {
                return all.get(0);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("delivery of " + id + " not as expected within " + WITHIN + ": " + all);
            }
            WebhookReceiver.sleep(100);
        }
    }

    @Test
    void aPingIsSignedSoTheStandardWebhooksLibraryVerifiesIt() {
        Reply created = register("/ping", PINGS_ONLY);
        String id = created.textField("id");
        assertThat(created.textField("secret")).startsWith("whsec_");
        assertThat(created.textField("status")).isEqualTo("active");
        Reply read = SIDECAR.admin("GET", "/admin/webhooks/" + id, null);
        assertThat(read.json().has("secret")).as("the secret is shown once: %s", read).isFalse();
        assertThat(SIDECAR.admin("GET", "/admin/webhooks", null).field("webhooks").toString()).contains(id);

        Reply ping = SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        assertThat(ping.status()).as("%s", ping).isEqualTo(202);
        JsonNode got = receiver.await("/ping", WITHIN, atLeast(1)).get(0);
        assertThat(got.path("verified").asBoolean()).as("%s", got).isTrue();
        assertThat(got.path("id").asText()).isEqualTo(ping.textField("message_id"));
        assertThat(got.path("payload").path("type").asText()).isEqualTo("ping");
        assertThat(got.path("payload").path("data").path("endpoint_id").asText()).isEqualTo(id);
        assertThat(got.path("payload").path("timestamp").asText()).isNotBlank();
        JsonNode d = awaitDelivery(id, x -> x.path("state").asText().equals("delivered"));
        assertThat(d.path("attempts").asInt()).isEqualTo(1);
        assertThat(d.path("last_status").asInt()).isEqualTo(200);
        assertThat(d.path("message_id").asText()).isEqualTo(ping.textField("message_id"));
    }

    @Test
    void aLedgerFlushIsDeliveredAsUsageFlushed() {
        register("/flushed", List.of("usage_flushed"));
        assertThat(SIDECAR.acquire("wh-flush-user", "maps").status()).isEqualTo(200);
        assertThat(SIDECAR.acquire("wh-flush-user", "maps").status()).isEqualTo(200);
        List<JsonNode> got = receiver.await("/flushed", WITHIN, list -> list.stream().anyMatch(x ->
                x.path("payload").path("data").path("user_id").asText().equals("wh-flush-user")
                        && x.path("payload").path("data").path("requests").asLong() == 2));
        for (JsonNode x : got) {
            assertThat(x.path("verified").asBoolean()).as("%s", x).isTrue();
            assertThat(x.path("payload").path("type").asText()).isEqualTo("usage_flushed");
        }
    }

    @Test
    void denialsAreCoalescedIntoOneEventWithTheirCount() {
        register("/denials", List.of("denial"));
        String user = "wh-denied-user";
        for (int i = 0; i < 10; i++) {
            assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        }
        for (int i = 0; i < 7; i++) {
            assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(429);
        }
        List<JsonNode> got = receiver.await("/denials", WITHIN, list -> !ofUser(list, user).isEmpty());
        got = ofUser(got, user);
        JsonNode data = got.get(0).path("payload").path("data");
        assertThat(got.get(0).path("verified").asBoolean()).isTrue();
        assertThat(data.path("user_id").asText()).isEqualTo(user);
        assertThat(data.path("api_id").asText()).isEqualTo("search");
        assertThat(data.path("outcome").asText()).isEqualTo("denied_rate");
        assertThat(data.path("window").asText()).isEqualTo("minute");
        assertThat(data.path("denials").asLong()).as("%s", data).isEqualTo(7);
        WebhookReceiver.sleep(3000);
        assertThat(ofUser(receiver.received("/denials"), user)).as("one event for the seven denials").hasSize(1);
    }

    @Test
    void quotaThresholdsAreSentOncePerThreshold() {
        register("/thresholds", List.of("quota_threshold"));
        String user = "wh-quota-user";
        assertThat(SIDECAR.admin("PUT", "/admin/users/" + user, Map.of("tier", "enterprise")).status()).isEqualTo(200);
        assertThat(SIDECAR.admin("PUT", "/admin/users/" + user + "/quota",
                Map.of("requests", 5, "bandwidth_bytes", 1_000_000, "compute_ms", 1_000_000)).status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(SIDECAR.acquire(user, "maps").status()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(SIDECAR.acquire(user, "maps").status()).isEqualTo(429);
        }
        List<JsonNode> got = receiver.await("/thresholds", WITHIN, atLeast(2));
        WebhookReceiver.sleep(1500);
        got = receiver.received("/thresholds");
        assertThat(got).extracting(x -> x.path("payload").path("data").path("threshold").asDouble())
                .containsExactlyInAnyOrder(0.8, 1.0);
        for (JsonNode x : got) {
            assertThat(x.path("verified").asBoolean()).isTrue();
            assertThat(x.path("payload").path("data").path("meter").asText()).isEqualTo("requests");
        }
    }

    @Test
    void aFailingReceiverIsRetriedWithTheSameIdUntilDeadAndAManualRetryDelivers() {
        String id = register("/fails", PINGS_ONLY).textField("id");
        receiver.answer("/fails", 500, 0);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        JsonNode dead = awaitDelivery(id, x -> x.path("state").asText().equals("dead"));
        assertThat(dead.path("attempts").asInt()).as("the first attempt and one per wait of 1s,1s,1s").isEqualTo(4);
        assertThat(dead.path("last_status").asInt()).isEqualTo(500);
        assertThat(dead.path("last_error").asText()).contains("HTTP 500");
        List<JsonNode> got = receiver.received("/fails");
        assertThat(got).hasSize(4);
        assertThat(got).extracting(x -> x.path("id").asText()).containsOnly(dead.path("message_id").asText());
        assertThat(got).allMatch(x -> x.path("verified").asBoolean());
        assertThat(SIDECAR.get("/metrics").text()).containsPattern("tollgate_webhook_deliveries_total\\{[^}]*outcome=\"dead\"[^}]*} [1-9]");

        receiver.answer("/fails", 200, 0);
        Reply retry = SIDECAR.admin("POST", "/admin/webhooks/" + id + "/deliveries/" + dead.path("id").asLong() + "/retry", null);
        assertThat(retry.status()).as("%s", retry).isEqualTo(202);
        JsonNode delivered = awaitDelivery(id, x -> x.path("state").asText().equals("delivered"));
        assertThat(delivered.path("attempts").asInt()).isEqualTo(5);
        assertThat(receiver.received("/fails")).hasSize(5);
    }

    @Test
    void aSlowReceiverTimesOutAndIsRetried() {
        String id = register("/slow", PINGS_ONLY).textField("id");
        receiver.answer("/slow", 200, 3000);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        JsonNode failed = awaitDelivery(id, x -> x.path("attempts").asInt() >= 1);
        assertThat(failed.path("state").asText()).isEqualTo("pending");
        assertThat(failed.path("last_error").asText()).contains("timed out");
        receiver.answer("/slow", 200, 0);
        awaitDelivery(id, x -> x.path("state").asText().equals("delivered"));
    }

    @Test
    void gone410DisablesTheEndpointUntilItIsActivatedAgain() {
        String id = register("/gone", PINGS_ONLY).textField("id");
        receiver.answer("/gone", 410, 0);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        receiver.await("/gone", WITHIN, atLeast(1));
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!SIDECAR.admin("GET", "/admin/webhooks/" + id, null).textField("status").equals("disabled")) {
            assertThat(System.nanoTime()).as("disabled within %s", WITHIN).isLessThan(deadline);
            WebhookReceiver.sleep(100);
        }
        WebhookReceiver.sleep(2500);
        assertThat(receiver.received("/gone")).as("nothing sent to a disabled endpoint").hasSize(1);
        JsonNode waiting = deliveries(id).get(0);
        assertThat(waiting.path("state").asText()).isEqualTo("pending");
        assertThat(waiting.path("last_status").asInt()).isEqualTo(410);

        receiver.answer("/gone", 200, 0);
        assertThat(SIDECAR.admin("PATCH", "/admin/webhooks/" + id, Map.of("status", "active")).status()).isEqualTo(200);
        awaitDelivery(id, x -> x.path("state").asText().equals("delivered"));
    }

    @Test
    void aPausedEndpointHoldsItsDeliveriesUntilResumed() {
        String id = register("/paused", PINGS_ONLY).textField("id");
        assertThat(SIDECAR.admin("PATCH", "/admin/webhooks/" + id, Map.of("status", "paused")).textField("status"))
                .isEqualTo("paused");
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        WebhookReceiver.sleep(1500);
        assertThat(receiver.received("/paused")).isEmpty();
        SIDECAR.admin("PATCH", "/admin/webhooks/" + id, Map.of("status", "active"));
        receiver.await("/paused", WITHIN, atLeast(1));
    }

    @Test
    void duringARotationBothSecretsSignAndAfterItOnlyTheNewOne() {
        Reply created = register("/rotate", PINGS_ONLY);
        String id = created.textField("id");
        String oldSecret = created.textField("secret");
        Reply rotated = SIDECAR.admin("PATCH", "/admin/webhooks/" + id, Map.of("rotate_secret", true, "overlap", "1h"));
        assertThat(rotated.status()).as("%s", rotated).isEqualTo(200);
        String newSecret = rotated.textField("secret");
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(rotated.textField("previous_secret_until")).isNotNull();

        receiver.secrets("/rotate", oldSecret);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        assertThat(receiver.await("/rotate", WITHIN, atLeast(1)).get(0).path("verified").asBoolean()).isTrue();
        receiver.secrets("/rotate", newSecret);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        JsonNode second = receiver.await("/rotate", WITHIN, atLeast(2)).get(1);
        assertThat(second.path("verified").asBoolean()).isTrue();
        assertThat(second.path("signature").asText().split(" ")).hasSize(2);

        SIDECAR.admin("PATCH", "/admin/webhooks/" + id, Map.of("rotate_secret", true, "overlap", "0s"));
        receiver.secrets("/rotate", newSecret);
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        JsonNode third = receiver.await("/rotate", WITHIN, atLeast(3)).get(2);
        assertThat(third.path("verified").asBoolean()).as("the secret replaced without overlap no longer signs").isFalse();
    }

    @Test
    void redirectsAreNotFollowed() {
        String id = register("/moved", PINGS_ONLY).textField("id");
        register("/elsewhere", PINGS_ONLY);
        receiver.redirect("/moved", 307, receiver.url("/elsewhere"));
        SIDECAR.admin("POST", "/admin/webhooks/" + id + "/test", null);
        JsonNode failed = awaitDelivery(id, x -> x.path("attempts").asInt() >= 1);
        assertThat(failed.path("last_status").asInt()).isEqualTo(307);
        assertThat(receiver.received("/elsewhere")).isEmpty();
    }

    @Test
    void unsafeUrlsAndUnknownEventsAreRefused() {
        for (String url : new String[] {"http://example.com/hook", "https://10.1.2.3/hook", "https://169.254.169.254/latest",
                "https://localhost/hook", "ftp://example.com/x", "https://user:pw@example.com/x", "not a url"}) {
            Reply r = SIDECAR.admin("POST", "/admin/webhooks", Map.of("url", url, "events", List.of("denial")));
            assertThat(r.status()).as("%s -> %s", url, r).isEqualTo(400);
            assertThat(r.textField("field")).isEqualTo("url");
        }
        Reply unknown = SIDECAR.admin("POST", "/admin/webhooks", Map.of("url", receiver.url("/x"), "events", List.of("nope")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.textField("field")).isEqualTo("events");
        assertThat(SIDECAR.adminAs(null, "GET", "/admin/webhooks", null).status()).isEqualTo(401);
        assertThat(SIDECAR.admin("GET", "/admin/webhooks/ep_missing", null).status()).isEqualTo(404);
    }

    @Test
    void eventsWaitInMemoryWhileTheDatabaseRefusesConnectionsAndAreDeliveredAfter() throws Exception {
        register("/outage", List.of("denial"));
        String user = "wh-outage-user";
        String db = SIDECAR.tollgate().settings().dbUrl().substring(SIDECAR.tollgate().settings().dbUrl().lastIndexOf('/') + 1);
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
        try {
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
            for (int i = 0; i < 9; i++) {
                assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
            }
            for (int i = 0; i < 3; i++) {
                Reply denied = SIDECAR.acquire(user, "search");
                assertThat(denied.status()).as("decisions go on without the database: %s", denied).isEqualTo(429);
            }
            WebhookReceiver.sleep(3000);
            assertThat(ofUser(receiver.received("/outage"), user)).isEmpty();
        } finally {
            admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
        }
        JsonNode got = ofUser(receiver.await("/outage", Duration.ofSeconds(30),
                list -> !ofUser(list, user).isEmpty()), user).get(0);
        assertThat(got.path("verified").asBoolean()).isTrue();
        assertThat(got.path("payload").path("data").path("user_id").asText()).isEqualTo(user);
        assertThat(got.path("payload").path("data").path("denials").asLong()).isEqualTo(3);
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
