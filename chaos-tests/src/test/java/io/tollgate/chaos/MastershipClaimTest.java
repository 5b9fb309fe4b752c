package io.tollgate.chaos;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the Hazelcast master freezes, its two survivors must stay one cluster of two.
 *
 * <p>The member next in line claims mastership as soon as it suspects the master; the other survivor refuses the
 * claim ("not yet") until it suspects the master too. Each member checks heartbeats once a second on its own clock,
 * so that can be up to ~1 s later. Hazelcast re-sends a refused claim as many times as
 * {@code hazelcast.mastership.claim.timeout.seconds} says; at 10 (~100 ms of re-sends) the claimant finalized
 * without the other survivor, both became one-member clusters, and after they merged back the ledger was off (the
 * long suite's master pauses, issue 5). Here the youngest member's heartbeat timeout is 1 s longer than the
 * others', so it always refuses the first claims: the claim must wait for it.
 */
class MastershipClaimTest {

    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();
    private static final Duration WATCH = Duration.ofSeconds(12);

    @Test
    void theSurvivorsOfAFrozenMasterStayOneCluster() {
        ClusterHarness cluster = SharedCluster.get(SETTINGS);
        int master = cluster.masterIndex();
        int late = (master + 1) % 3;
        int claimant = 3 - master - late;
        // Restarted, it joins last: the claimant is next in line after the master, the late member after it.
        cluster.restart(late, Map.of("TOLLGATE_CLUSTER_HEARTBEAT_dash_TIMEOUT", "6s"));
        cluster.awaitMembership(3, Duration.ofSeconds(90));
        assertThat(cluster.masterIndex()).as("restarting another member keeps the master").isEqualTo(master);
        String alone = null;
        long twoAfterMillis = -1;
        try {
            cluster.pause(master);
            long start = System.nanoTime();
            while (System.nanoTime() - start < WATCH.toNanos()) {
                Map<String, List<String>> views = cluster.membershipViews();
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (alone == null && views.values().stream().anyMatch(v -> v.size() == 1)) {
                    alone = millis + " ms after SIGSTOP: " + views;
                }
                if (twoAfterMillis < 0 && views.size() == 2 && views.values().stream().allMatch(v -> v.size() == 2)) {
                    twoAfterMillis = millis;
                }
                Await.sleep(Duration.ofMillis(50));
            }
        } finally {
            cluster.resume(master);
            cluster.restart(late);
            cluster.awaitMembership(3, Duration.ofSeconds(90));
        }
        boolean pass = alone == null && twoAfterMillis >= 0;
        ReportWriter.append(SETTINGS, new ScenarioResult("pause the master: its survivors stay one cluster", "none",
                "SIGSTOP member " + master + " (master) for " + WATCH.toSeconds() + " s; member " + late
                        + " detects failures 1 s later than member " + claimant,
                0, 0, 0, null, null, null, pass,
                (alone == null ? "no survivor ever alone" : "a survivor alone " + alone)
                        + "; both survivors in one two-member view " + (twoAfterMillis < 0 ? "never"
                        : "after " + twoAfterMillis + " ms")));
        assertThat(alone).as("a survivor found itself alone (the claim went ahead without the other)").isNull();
        assertThat(twoAfterMillis).as("both survivors reach a two-member view within %s", WATCH).isNotNegative();
    }
}
