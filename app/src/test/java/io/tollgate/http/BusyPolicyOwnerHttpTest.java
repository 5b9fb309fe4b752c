package io.tollgate.http;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.ApiPolicy;
import io.tollgate.policy.PolicyRepository;
import io.tollgate.policy.PolicyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy look-ups are bounded by the decision deadline. The owner of a policy entry is made to stop answering
 * by occupying its partition thread (as a frozen or dying owner would look): a decision then uses the last
 * policy this member read instead of waiting, and goes on to the user's own owner. A policy read before is never
 * waited for; it is read again in the background once it is older than a second.
 */
class BusyPolicyOwnerHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().set("tollgate.decision.timeout", "200ms")
            .set("tollgate.policy.refresh-interval", "1s").build();

    private static final long BUSY_MILLIS = 3_000;

    @Test
    void anAcquireIsDecidedWhileTheOwnerOfItsApisPolicyDoesNotAnswer() throws Exception {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        String api = "busy-api";
        String user = userOutsidePartitionOf(hz, api);
        // No global limit on this API: its counters, which live in the same partition, are not needed.
        assertThat(SIDECAR.acquire(user, api).status()).isEqualTo(200);
        Thread.sleep(1_200); // past the near cache's 1 s: the next look-up has to ask the entry's owner

        CompletableFuture<Object> busy = occupy(hz.getMap(ClusterMember.API_POLICIES), api);
        long started = System.nanoTime();
        Reply r = SIDECAR.post("/api/rate-limits/acquire", Map.of("user_id", user, "api_id", api, "request_id", "busy-1"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(busy).as("the owner was still busy when the answer came").isNotDone();
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.textField("outcome")).isEqualTo("allowed");
        assertThat(tookMillis).as("answered without waiting for the busy owner").isLessThan(BUSY_MILLIS / 2);
        busy.get(10, TimeUnit.SECONDS);
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(2);
    }

    @Test
    void aPolicyReadBeforeIsAnsweredWithoutWaitingAndOneNeverReadWaitsUntilTheDeadline() throws Exception {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        PolicyStore policies = newPolicyStore();
        String api = "busy-api-2";
        ApiPolicy read = limitAndRead(policies, api);
        assertThat(read.limits()).hasSize(1);
        Thread.sleep(1_200); // older than a second: no longer answered as it is

        CompletableFuture<Object> busy = occupy(hz.getMap(ClusterMember.API_POLICIES), api);
        long started = System.nanoTime();
        ApiPolicy first = policies.api(api, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800));
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        ApiPolicy again = policies.api(api, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800));
        long bothMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        String never = neverReadInPartitionOf(hz, api);
        ApiPolicy unknown = policies.api(never, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(busy).isNotDone();
        assertThat(first).as("the last policy read").isEqualTo(read);
        assertThat(again).isEqualTo(read);
        assertThat(firstMillis).as("the owner is not waited for").isLessThan(400);
        assertThat(bothMillis).as("nor by the next look-up").isLessThan(400);
        assertThat(unknown).as("an API this member never read").isNull();
        busy.get(10, TimeUnit.SECONDS);
        assertThat(policies.api(never, System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).as("once the owner answers")
                .isNotNull();
    }

    @Test
    void aPolicyOlderThanASecondIsReadAgainInTheBackground() throws Exception {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        PolicyStore policies = newPolicyStore();
        String api = "refreshed-api";
        ApiPolicy read = limitAndRead(policies, api);
        // A change whose message to forget did not reach this member (it can be lost while members come and go):
        // only the cluster's cache has it.
        ApiPolicy changed = new ApiPolicy(api, Map.of(io.tollgate.core.Window.MINUTE, 9L));
        hz.<String, ApiPolicy>getMap(ClusterMember.API_POLICIES).set(api, changed);
        Thread.sleep(1_200);

        assertThat(policies.api(api, System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).as("answered while read again")
                .isEqualTo(read);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        ApiPolicy later = read;
        while (later.equals(read) && System.nanoTime() < until) {
            Thread.sleep(50);
            later = policies.api(api, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        assertThat(later).as("the cluster's policy, once read again").isEqualTo(changed);
    }

    /** Gives {@code api} a global limit of 7 a minute and reads its policy through {@code policies}. */
    private static ApiPolicy limitAndRead(PolicyStore policies, String api) throws InterruptedException {
        assertThat(SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/minute", Map.of("limit", 7)).status()).isEqualTo(200);
        Thread.sleep(200); // the change's message to forget reaches this store asynchronously: not after the read
        return policies.api(api, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }

    private static PolicyStore newPolicyStore() {
        return new PolicyStore(new PolicyRepository(SIDECAR.tollgate().database().jdbi(), 1),
                SIDECAR.tollgate().database().readBackOff(), SIDECAR.tollgate().hazelcast(), java.time.Duration.ofSeconds(1));
    }

    /** Keeps the partition thread of {@code key}'s owner busy for {@link #BUSY_MILLIS}. */
    private static CompletableFuture<Object> occupy(IMap<String, ApiPolicy> map, String key) {
        EntryProcessor<String, ApiPolicy, Object> sleep = (EntryProcessor<String, ApiPolicy, Object> & Serializable) e -> {
            try {
                Thread.sleep(BUSY_MILLIS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        CompletableFuture<Object> done = map.submitToKey(key, sleep).toCompletableFuture();
        try {
            Thread.sleep(100); // the processor is running on the partition thread by now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done;
    }

    /**
     * A user whose partition runs on another partition thread than {@code key}'s: Hazelcast serves partition p on
     * thread p % n, n = hazelcast.operation.thread.count (default max(2, cores)).
     */
    private static String userOutsidePartitionOf(HazelcastInstance hz, String key) {
        String configured = hz.getConfig().getProperty("hazelcast.operation.thread.count");
        int threads = configured != null ? Integer.parseInt(configured) : Math.max(2, Runtime.getRuntime().availableProcessors());
        int busy = hz.getPartitionService().getPartition(key).getPartitionId() % threads;
        for (int i = 0; ; i++) {
            String user = "busy-user-" + i;
            if (hz.getPartitionService().getPartition(user).getPartitionId() % threads != busy) {
                return user;
            }
        }
    }

    private static String neverReadInPartitionOf(HazelcastInstance hz, String key) {
        int busy = hz.getPartitionService().getPartition(key).getPartitionId();
        for (int i = 0; ; i++) {
            String api = "never-read-api-" + i;
            if (hz.getPartitionService().getPartition(api).getPartitionId() == busy) {
                return api;
            }
        }
    }
}
