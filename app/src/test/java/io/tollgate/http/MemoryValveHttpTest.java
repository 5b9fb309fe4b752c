package io.tollgate.http;

import com.hazelcast.core.HazelcastInstance;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.HeapAfterGc;
import io.tollgate.cluster.IdempotencyKey;
import io.tollgate.core.Totals;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.observe.PromText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member whose heap is over its memory ceiling sheds never-seen users and keeps serving the users it
 * already counts. The ceiling is set so low that any real heap is over it after a collection.
 */
class MemoryValveHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().withoutWarmUp() // its warm-up user would be shed
            .set("tollgate.memory.ceiling", "0.000001").set("tollgate.decision.timeout", "2s").build();

    @BeforeAll
    static void collectOnce() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (HeapAfterGc.share() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(HeapAfterGc.share()).as("a collection was seen").isGreaterThan(0.000001);
    }

    @Test
    void aNeverSeenUserIsShedWithoutCountingAnything() {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        Reply r = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", "shed-new", "api_id", "a", "request_id", "r-1"));

        assertThat(r.status()).as("%s", r).isEqualTo(503);
        assertThat(r.textField("outcome")).isEqualTo("shed");
        assertThat(r.allowed()).isFalse();
        assertThat(r.header("Retry-After")).contains("1");
        assertThat(r.textField("message")).contains("short of memory");
        assertThat(hz.getMap(ClusterMember.USERS).containsKey("shed-new")).as("no entry created").isFalse();
        assertThat(hz.getMap(ClusterMember.USER_POLICIES).containsKey("shed-new"))
                .as("its policy, read before the owner shed it, not cached").isFalse();
        assertThat(hz.getMap(ClusterMember.IDEMPOTENCY).containsKey(new IdempotencyKey("acquire", "shed-new", "r-1")))
                .as("a shed answer is not the request's final answer").isFalse();
    }

    @Test
    void aCheckAnswersWhatTheAcquireWould() {
        // A check answers 200 whatever it predicts (as for a denial); the body says what the acquire would get.
        Reply neverSeen = SIDECAR.post("/api/rate-limits/check", Map.of("user_id", "shed-check", "api_id", "a"));
        assertThat(neverSeen.status()).as("%s", neverSeen).isEqualTo(200);
        assertThat(neverSeen.allowed()).isFalse();
        assertThat(neverSeen.textField("outcome")).isEqualTo("shed");

        seedEntry("shed-check");
        Reply known = SIDECAR.post("/api/rate-limits/check", Map.of("user_id", "shed-check", "api_id", "a"));
        assertThat(known.allowed()).as("%s", known).isTrue();
        assertThat(known.textField("outcome")).isEqualTo("allowed");
    }

    /** Gives {@code user} an entry, as its first call before the heap filled up would have. */
    private static void seedEntry(String user) {
        UserState fresh = UserState.fresh(java.util.UUID.randomUUID().toString(),
                UserPolicy.defaults(user).billingCycle().periodAt(java.time.Instant.now()), Totals.ZERO);
        SIDECAR.tollgate().hazelcast().<String, UserState>getMap(ClusterMember.USERS).set(user, fresh);
    }

    @Test
    void usageOfANeverSeenUserIsShedAndKeepsNothing() {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        Reply r = SIDECAR.post("/api/usage", Map.of("user_id", "shed-usage", "api_id", "a", "request_id", "u-9",
                "bytes", 10));
        assertThat(r.status()).as("%s", r).isEqualTo(503);
        assertThat(r.header("Retry-After")).contains("1");
        assertThat(r.textField("message")).contains("short of memory");
        assertThat(hz.getMap(ClusterMember.USERS).containsKey("shed-usage")).as("no entry created").isFalse();
        assertThat(hz.getMap(ClusterMember.IDEMPOTENCY).containsKey(new IdempotencyKey("usage", "shed-usage", "u-9")))
                .as("no record kept").isFalse();
    }

    @Test
    void aUserTheMemberAlreadyCountsIsServedAndKeepsNoNewRecords() {
        seedEntry("shed-known");
        Reply usage = SIDECAR.post("/api/usage", Map.of("user_id", "shed-known", "api_id", "a", "request_id", "u-1",
                "bytes", 10));
        assertThat(usage.status()).as("%s", usage).isEqualTo(200);
        assertThat(usage.field("recorded").asBoolean()).isTrue();
        Reply withId = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", "shed-known", "api_id", "a",
                "request_id", "r-known"));
        assertThat(withId.status()).as("%s", withId).isEqualTo(200);
        assertThat(SIDECAR.tollgate().hazelcast().getMap(ClusterMember.IDEMPOTENCY)
                .containsKey(new IdempotencyKey("acquire", "shed-known", "r-known")))
                .as("the owner keeps no new first answer while it sheds").isFalse();

        Reply r = SIDECAR.acquire("shed-known", "a");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.textField("outcome")).isEqualTo("allowed");
        assertThat(SIDECAR.used("shed-known", "minute")).isEqualTo(2);
    }

    @Test
    void healthAndMetricsSayNewUsersAreShed() {
        SIDECAR.acquire("shed-metrics", "a");

        Reply health = SIDECAR.get("/health/ready");
        assertThat(health.status()).as("still ready: known users are served; %s", health).isEqualTo(200);
        assertThat(health.field("checks").path("memory").path("status").asText()).isEqualTo("SHEDDING_NEW_USERS");
        assertThat(health.field("checks").path("memory").path("ceiling").asDouble()).isEqualTo(0.000001);

        List<PromText.Sample> samples = PromText.parse(SIDECAR.get("/metrics").text());
        assertThat(PromText.value(samples, "tollgate_memory_new_users_admitted")).contains(0.0);
        assertThat(PromText.value(samples, "tollgate_memory_heap_after_gc_ratio")).get(
                org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(PromText.sum(samples, "tollgate_decisions_total", "outcome", "shed")).isGreaterThanOrEqualTo(1.0);
    }
}
