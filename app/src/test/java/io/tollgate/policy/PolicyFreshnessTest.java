package io.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Window;
import io.tollgate.http.RunningSidecar;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a policy read is answered as it is: for the refresh interval while membership is settled, for a second
 * while it is not. A change whose forget message never arrived is simulated by writing the cluster's cache directly.
 */
class PolicyFreshnessTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    @Test
    void whileMembershipIsSettledAReadIsAnsweredAsItIsForTheRefreshInterval() throws Exception {
        PolicyStore settled = store(Duration.ofSeconds(3), Duration.ZERO);
        String api = "settled-api";
        ApiPolicy read = settled.api(api, deadline());
        ApiPolicy changed = silentlyChange(api);

        Thread.sleep(1_500); // older than a second, younger than the refresh interval
        assertThat(settled.api(api, deadline())).as("not read again yet").isEqualTo(read);
        Thread.sleep(300);
        assertThat(settled.api(api, deadline())).as("still not read again in the background").isEqualTo(read);

        Thread.sleep(1_500); // past the refresh interval: answered once more as it was, read again meanwhile
        assertThat(eventually(settled, api, changed)).as("read again after the refresh interval").isEqualTo(changed);
    }

    @Test
    void withinAMinuteOfAMembershipChangeAReadIsFreshForASecondOnly() throws Exception {
        PolicyStore unsettled = store(Duration.ofSeconds(30), Duration.ofSeconds(60));
        String api = "unsettled-api";
        unsettled.api(api, deadline());
        unsettled.membershipChanged(); // as the membership listener does when a member joins or leaves
        ApiPolicy changed = silentlyChange(api);

        Thread.sleep(1_200);
        assertThat(eventually(unsettled, api, changed)).isEqualTo(changed);
    }

    private static ApiPolicy eventually(PolicyStore store, String api, ApiPolicy expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        ApiPolicy seen = store.api(api, deadline());
        while (!seen.equals(expected) && System.nanoTime() < until) {
            Thread.sleep(50);
            seen = store.api(api, deadline());
        }
        return seen;
    }

    private static ApiPolicy silentlyChange(String api) {
        HazelcastInstance hz = SIDECAR.tollgate().hazelcast();
        ApiPolicy changed = new ApiPolicy(api, Map.of(Window.MINUTE, 9L));
        hz.<String, ApiPolicy>getMap(ClusterMember.API_POLICIES).set(api, changed);
        return changed;
    }

    private static PolicyStore store(Duration refresh, Duration unsettledWindow) {
        return new PolicyStore(new PolicyRepository(SIDECAR.tollgate().database().jdbi(), 1),
                SIDECAR.tollgate().database().readBackOff(), SIDECAR.tollgate().hazelcast(), refresh, unsettledWindow);
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    }
}
