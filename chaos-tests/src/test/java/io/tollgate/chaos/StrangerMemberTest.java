package io.tollgate.chaos;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stranger process with the right cluster name and the same database, but not in the members' list (it lists
 * them and itself, so it knows where to knock), tries to join: it must not become a member. Watched for 20 s
 * (60 s long): no member's view ever contains its address.
 */
class StrangerMemberTest {

    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();

    @Test
    void aProcessNotInTheMemberListCannotJoin() {
        Duration watch = SETTINGS.duration(Duration.ofSeconds(20), Duration.ofSeconds(60));
        try (ClusterHarness cluster = ClusterHarness.start(SETTINGS, ClusterOptions.defaults().size(2).namePrefix("stranger"))) {
            MemberConfig model = cluster.member(0).config();
            int[] ports = FreePorts.take(3);
            Map<String, String> env = new HashMap<>(model.environment());
            String strangerAddress = "127.0.0.1:" + ports[1];
            env.put("TOLLGATE_CLUSTER_MEMBERS", env.get("TOLLGATE_CLUSTER_MEMBERS") + "," + strangerAddress);
            MemberConfig strangerConfig = new MemberConfig("stranger-" + cluster.options().clusterName(), "127.0.0.1",
                    ports[1], "127.0.0.1", ports[0], URI.create("http://127.0.0.1:" + ports[0]), ports[2],
                    URI.create("http://127.0.0.1:" + ports[2]), null, env);
            long start = System.nanoTime();
            boolean everJoined = false;
            List<String> lastView = List.of();
            try (MemberProcess stranger = new MemberProcess(SETTINGS, strangerConfig, cluster.options().adminToken())) {
                stranger.start();
                while (System.nanoTime() - start < watch.toNanos()) {
                    for (List<String> view : cluster.membershipViews().values()) {
                        lastView = view;
                        everJoined |= view.contains(strangerAddress);
                    }
                    Await.sleep(Duration.ofMillis(500));
                }
                boolean membersWhole = cluster.isWhole();
                ReportWriter.append(SETTINGS, new ScenarioResult("stranger with the right cluster name", "none",
                        "a third process not in the member list tries to join for " + watch.toSeconds() + " s",
                        0, 0, 0, null, null, null, !everJoined && membersWhole,
                        "stranger " + (everJoined ? "JOINED" : "never joined") + "; stranger alive: " + stranger.isAlive()
                                + "; last member view " + lastView));
                assertThat(everJoined).as("stranger %s appeared in a member's view", strangerAddress).isFalse();
                assertThat(membersWhole).as("the two members still see each other").isTrue();
            }
        }
    }

    /**
     * A Hazelcast client that knows the cluster name and a member's address could run entry processors on the
     * counter maps; members expose no client endpoint (advanced network, member endpoint only), so it cannot connect.
     */
    @Test
    void aHazelcastClientWithTheRightClusterNameCannotConnect() {
        try (ClusterHarness cluster = ClusterHarness.start(SETTINGS, ClusterOptions.defaults().size(1).namePrefix("client"))) {
            MemberConfig member = cluster.member(0).config();
            com.hazelcast.client.config.ClientConfig config = new com.hazelcast.client.config.ClientConfig();
            config.setClusterName(cluster.options().clusterName());
            config.setProperty("hazelcast.logging.type", "jdk");
            config.getNetworkConfig().addAddress(member.clusterHost() + ":" + member.clusterPort());
            config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
            Throwable refused = null;
            com.hazelcast.core.HazelcastInstance client = null;
            try {
                client = com.hazelcast.client.HazelcastClient.newHazelcastClient(config);
            } catch (IllegalStateException e) {
                refused = e;
            } finally {
                if (client != null) {
                    client.shutdown();
                }
            }
            ReportWriter.append(SETTINGS, new ScenarioResult("Hazelcast client with the right cluster name", "none",
                    "a client connects to a member's cluster port", 0, 0, 0, null, null, null, refused != null,
                    refused != null ? "refused: " + refused.getMessage() : "CONNECTED"));
            assertThat(refused).as("a Hazelcast client connected to the member port").isNotNull();
        }
    }
}
