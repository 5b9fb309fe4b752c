package io.tollgate.http;

import io.tollgate.cluster.ClusterMember;
import io.tollgate.observe.PromText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idempotency map keeps at most tollgate.idempotency.max-per-node first answers per member: a flood of distinct
 * request_ids evicts the oldest, counted in tollgate_idempotency_evictions_total, instead of growing for 24 hours.
 */
class IdempotencyCapHttpTest {
    /** Hazelcast divides the cap among the 271 partitions: this keeps about one record per partition. */
    private static final int CAP = 271;

    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder()
            .set("tollgate.idempotency.max-per-node", Integer.toString(CAP)).build();

    @Test
    void aFloodOfRequestIdsEvictsTheOldestAndCountsThem() {
        int calls = 400;
        for (int i = 0; i < calls; i++) {
            Reply r = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", "flood-user", "api_id", "a",
                    "request_id", "flood-" + i));
            assertThat(r.status()).as("%s", r).isIn(200, 429);
        }
        int kept = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.IDEMPOTENCY).size();
        assertThat(kept).as("records kept for one user's partition").isLessThan(calls / 4);
        double evicted = PromText.value(PromText.parse(SIDECAR.get("/metrics").text()),
                "tollgate_idempotency_evictions_total").orElse(0.0);
        assertThat(evicted).as("evictions counted").isGreaterThanOrEqualTo(calls - kept - 10);
        // The newest answer is still a replay.
        Reply last = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", "flood-user", "api_id", "a",
                "request_id", "flood-" + (calls - 1)));
        assertThat(last.field("replayed").asBoolean()).as("%s", last).isTrue();
    }
}
