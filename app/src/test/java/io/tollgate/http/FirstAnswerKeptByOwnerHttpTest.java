package io.tollgate.http;

import com.hazelcast.map.IMap;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.IdempotencyKey;
import io.tollgate.cluster.UsageProcessor;
import io.tollgate.cluster.UserProcessor;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.Decision;
import io.tollgate.core.OperationId;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request_id's first answer survives the caller that asked: the owner keeps it as it applies the acquire. The
 * caller is played here by submitting the owner's processor directly and then doing nothing, as a sidecar killed
 * right after the owner applied its acquire would; the entry's own memory of the operation is set to 1 s, so only
 * the kept answer can stop a later retry from counting again.
 */
class FirstAnswerKeptByOwnerHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().set("tollgate.idempotency.op-memory", "1s").build();

    @Test
    void aRetryAfterTheCallerDiedIsAnsweredFromTheOwnersRecord() throws Exception {
        String user = "orphan-u";
        assertThat(SIDECAR.acquire(user, "search").status()).as("the user's entry exists").isEqualTo(200);
        IMap<String, UserState> users = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.USERS);
        UserPolicy policy = UserPolicy.defaults(user);
        UserRules.Acquire acquire = new UserRules.Acquire(OperationId.hashed(4242), 0, "search", 1,
                policy.limitsFor("search"), policy.quota(), policy.billingCycle(), false, Long.MAX_VALUE);
        IdempotencyKey key = new IdempotencyKey("acquire", user, "orphan-r");
        Decision applied = users.submitToKey(user, new UserProcessor(acquire, UserProcessor.ACQUIRE,
                new UserRules.Memory(1_000, 4096), key)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(applied.allowed()).as("%s", applied).isTrue();
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(2);
        Thread.sleep(1_500); // past the entry's memory of the operation

        Reply retry = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", "search",
                "request_id", "orphan-r"));
        assertThat(retry.status()).as("%s", retry).isEqualTo(200);
        assertThat(retry.field("replayed").asBoolean()).as("answered from the kept record").isTrue();
        assertThat(SIDECAR.used(user, "minute")).as("counted once").isEqualTo(2);
    }

    @Test
    void aCancelledAcquireLeavesNoAnswerToReplay() throws Exception {
        String user = "orphan-c";
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        IMap<String, UserState> users = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.USERS);
        IMap<IdempotencyKey, io.tollgate.cluster.FirstAnswer> answers = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.IDEMPOTENCY);
        UserPolicy policy = UserPolicy.defaults(user);
        UserRules.Acquire acquire = new UserRules.Acquire(OperationId.hashed(4343), 0, "search", 1,
                policy.limitsFor("search"), policy.quota(), policy.billingCycle(), false, Long.MAX_VALUE);
        IdempotencyKey key = new IdempotencyKey("acquire", user, "orphan-rc");
        UserRules.Memory memory = new UserRules.Memory(1_000, 4096);
        users.submitToKey(user, new UserProcessor(acquire, UserProcessor.ACQUIRE, memory, key))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answers.getAsync(key).toCompletableFuture().get(10, TimeUnit.SECONDS)).as("kept").isNotNull();

        // What a caller that answered by the failure policy (closed) owes: the acquire taken back.
        users.submitToKey(user, new UserProcessor(acquire, UserProcessor.CANCEL, memory, key))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(answers.getAsync(key).toCompletableFuture().get(10, TimeUnit.SECONDS)).as("dropped").isNull();
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(1);
    }

    @Test
    void aUsageReportRetriedAfterItsCallerDiedCountsOnce() throws Exception {
        String user = "orphan-usage";
        IMap<String, UserState> users = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.USERS);
        IdempotencyKey key = new IdempotencyKey("usage", user, "orphan-ru");
        Boolean counted = users.submitToKey(user, new UsageProcessor(OperationId.hashed(4444), "search", 500, 7,
                BillingCycle.utcCalendarMonth(), new UserRules.Memory(1_000, 4096), key))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(counted).isTrue();
        Thread.sleep(1_500); // past the entry's memory of the operation

        Reply retry = SIDECAR.post("/api/usage", Map.of("user_id", user, "api_id", "search", "request_id", "orphan-ru",
                "bytes", 500, "compute_ms", 7));
        assertThat(retry.status()).as("%s", retry).isEqualTo(200);
        assertThat(retry.field("recorded").asBoolean()).as("the report was kept by the owner").isFalse();
    }

    @Test
    void anAcquireOwedForAFailOpenAnswerKeepsThatAnswer() throws Exception {
        String user = "orphan-open";
        assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
        IMap<String, UserState> users = SIDECAR.tollgate().hazelcast().getMap(ClusterMember.USERS);
        UserPolicy policy = UserPolicy.defaults(user);
        UserRules.Acquire acquire = new UserRules.Acquire(OperationId.hashed(4545), 0, "search", 1,
                policy.limitsFor("search"), policy.quota(), policy.billingCycle(), false, Long.MAX_VALUE);
        IdempotencyKey key = new IdempotencyKey("acquire", user, "orphan-ro");
        // What a caller that answered failure_open owes once the cluster answers again: the acquire, forced.
        users.submitToKey(user, new UserProcessor(acquire.forced(), UserProcessor.ACQUIRE,
                new UserRules.Memory(1_000, 4096), key)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(2);
        Thread.sleep(1_500); // past the entry's memory of the operation

        Reply retry = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", "search",
                "request_id", "orphan-ro"));
        assertThat(retry.field("replayed").asBoolean()).as("%s", retry).isTrue();
        assertThat(retry.textField("outcome")).isEqualTo("failure_open");
        assertThat(SIDECAR.used(user, "minute")).as("counted once").isEqualTo(2);
    }
}
