package io.tollgate.http;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.IdempotencyKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/usage, and request_id idempotency of acquire: a retried call counts once and gets the first answer. */
class UsageAndIdempotencyHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    @Test
    void usageIsRecordedOncePerRequestId() {
        Map<String, Object> body = Map.of("user_id", "use-a", "api_id", "search", "request_id", "use-r1",
                "bytes", 2048, "compute_ms", 35);
        Reply first = SIDECAR.post("/api/usage", body);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.field("recorded").asBoolean()).isTrue();
        assertThat(first.textField("request_id")).isEqualTo("use-r1");
        Reply second = SIDECAR.post("/api/usage", body);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.field("recorded").asBoolean()).as("duplicate request_id").isFalse();
        Reply otherId = SIDECAR.post("/api/usage", Map.of("user_id", "use-a", "api_id", "search", "request_id", "use-r2",
                "bytes", 1, "compute_ms", 0));
        assertThat(otherId.field("recorded").asBoolean()).isTrue();
        Reply otherUser = SIDECAR.post("/api/usage", Map.of("user_id", "use-b", "api_id", "search", "request_id", "use-r1"));
        assertThat(otherUser.field("recorded").asBoolean()).as("request ids are per user").isTrue();
    }

    @Test
    void usageFieldsDefaultToZeroAndDoNotTouchRateCounters() {
        Reply r = SIDECAR.post("/api/usage", Map.of("user_id", "use-c", "api_id", "search", "request_id", "use-c1"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.field("recorded").asBoolean()).isTrue();
        assertThat(SIDECAR.used("use-c", "minute")).isZero();
    }

    @Test
    void aRequestsFirstAnswerIsKeptInItsUsersPartition() throws InterruptedException {
        IMap<Object, Object> records = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.IDEMPOTENCY);
        for (int i = 0; i < 16; i++) {
            String user = "colo-" + i;
            Map<String, Object> call = Map.of("user_id", user, "api_id", "search", "request_id", "colo-r" + i);
            assertThat(SIDECAR.post("/api/rate-limits/acquire", call).status()).isEqualTo(200);
            // A partition predicate runs the query on the one partition that holds the user's entry, and only there.
            IdempotencyKey record = new IdempotencyKey("acquire", user, "colo-r" + i);
            Set<Object> inUsersPartition = Set.of();
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); !inUsersPartition.contains(record)
                    && System.nanoTime() < end; Thread.sleep(10)) { // the record is written after the answer
                inUsersPartition = records.keySet(Predicates.partitionPredicate(user, Predicates.alwaysTrue()));
            }
            assertThat(inUsersPartition).as("records in the partition of %s's entry", user).contains(record);
        }
        // And the records are found there: a repeated request_id gets its first answer.
        Map<String, Object> body = Map.of("user_id", "colo-x", "api_id", "search", "request_id", "colo-rx");
        assertThat(SIDECAR.post("/api/rate-limits/acquire", body).status()).isEqualTo(200);
        assertThat(SIDECAR.post("/api/usage", Map.of("user_id", "colo-x", "api_id", "search", "request_id", "colo-ux",
                "bytes", 1)).field("recorded").asBoolean()).isTrue();
        assertThat(SIDECAR.post("/api/usage", Map.of("user_id", "colo-x", "api_id", "search", "request_id", "colo-ux",
                "bytes", 1)).field("recorded").asBoolean()).as("the same usage again").isFalse();
        assertThat(SIDECAR.post("/api/rate-limits/acquire", body).field("replayed").asBoolean()).isTrue();
        assertThat(SIDECAR.used("colo-x", "minute")).isEqualTo(1);
    }

    @Test
    void sameRequestIdThreeTimesCountsOnceWithTheSameAnswer() {
        String user = "idem-a";
        Map<String, Object> body = Map.of("user_id", user, "api_id", "search", "request_id", "idem-r1");
        Reply first = SIDECAR.post("/api/rate-limits/acquire", body);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.field("replayed").asBoolean()).isFalse();
        for (int i = 0; i < 2; i++) {
            Reply again = SIDECAR.post("/api/rate-limits/acquire", body);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.field("replayed").asBoolean()).isTrue();
            for (String f : new String[] {"allowed", "outcome", "limit", "remaining", "reset_at", "retry_after_seconds",
                    "scope", "window", "request_id"}) {
                assertThat(again.field(f)).as("field %s", f).isEqualTo(first.field(f));
            }
            assertThat(again.header("X-RateLimit-Remaining")).isEqualTo(first.header("X-RateLimit-Remaining"));
        }
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(1);
        assertThat(SIDECAR.used(user, "day")).isEqualTo(1);
        Reply next = SIDECAR.acquire(user, "search");
        assertThat(next.longField("remaining")).as("one unit was used by the three retries").isEqualTo(8);
    }

    @Test
    void aRepeatedDenialStaysADenial() {
        String user = "idem-denied";
        for (int i = 0; i < 10; i++) {
            SIDECAR.acquire(user, "search");
        }
        Map<String, Object> body = Map.of("user_id", user, "api_id", "search", "request_id", "idem-d1");
        Reply first = SIDECAR.post("/api/rate-limits/acquire", body);
        assertThat(first.status()).isEqualTo(429);
        SIDECAR.admin("POST", "/admin/users/" + user + "/reset", null);
        Reply again = SIDECAR.post("/api/rate-limits/acquire", body);
        assertThat(again.status()).as("the first answer is replayed: %s", again).isEqualTo(429);
        assertThat(again.field("outcome")).isEqualTo(first.field("outcome"));
        assertThat(SIDECAR.used(user, "minute")).isZero();
    }

    @Test
    void distinctRequestIdsCountSeparately() {
        String user = "idem-b";
        for (int i = 0; i < 3; i++) {
            SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", "search", "request_id", "idem-b" + i));
        }
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(3);
        SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", "idem-c", "api_id", "search", "request_id", "idem-b0"));
        assertThat(SIDECAR.used("idem-c", "minute")).as("the same request id of another user is another request").isEqualTo(1);
    }

    @Test
    void costIsCountedOnceToo() {
        Map<String, Object> body = Map.of("user_id", "idem-cost", "api_id", "search", "request_id", "idem-cost-1", "cost", 4);
        for (int i = 0; i < 3; i++) {
            assertThat(SIDECAR.post("/api/rate-limits/acquire", body).status()).isEqualTo(200);
        }
        assertThat(SIDECAR.used("idem-cost", "minute")).isEqualTo(4);
    }
}
