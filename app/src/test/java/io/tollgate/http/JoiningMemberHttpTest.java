package io.tollgate.http;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.tollgate.Tollgate;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.observe.PromText;
import io.tollgate.testing.Http;
import io.tollgate.testing.Ports;
import io.tollgate.testing.SidecarSettings;
import io.tollgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sidecar joining a cluster whose other members already make a majority (a restart, issue 5): it joins as a
 * lite member, warms up, and only then takes partitions, and its warm-up's calls are not counted as decisions.
 * Three sidecars in this JVM, one configured cluster of three.
 */
class JoiningMemberHttpTest {
    private static final TestDatabase DB = new TestDatabase();
    private static final List<Tollgate> MEMBERS = new ArrayList<>();
    /** Whether each member was a lite member when the first member saw it join. */
    private static final Map<String, Boolean> LITE_AT_JOIN = new ConcurrentHashMap<>();

    @BeforeAll
    static void startThree() {
        String name = "tollgate-test-" + UUID.randomUUID();
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        String list = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        for (int port : ports) {
            MEMBERS.add(SidecarSettings.forDatabase(DB.url()).set("tollgate.cluster.name", name)
                    .set("tollgate.cluster.port", Integer.toString(port)).set("tollgate.cluster.members", list).start());
            if (MEMBERS.size() == 1) {
                MEMBERS.get(0).hazelcast().getCluster().addMembershipListener(new MembershipListener() {
                    @Override
                    public void memberAdded(MembershipEvent e) {
                        LITE_AT_JOIN.put(e.getMember().getUuid().toString(), e.getMember().isLiteMember());
                    }

                    @Override
                    public void memberRemoved(MembershipEvent e) {
                    }
                });
            }
        }
    }

    @AfterAll
    static void stop() {
        for (int i = MEMBERS.size() - 1; i >= 0; i--) {
            MEMBERS.get(i).close();
        }
        DB.close();
    }

    @Test
    void theMemberThatFindsAMajorityJoinsLiteAndOwnsPartitionsWhenItServes() {
        HazelcastInstance second = MEMBERS.get(1).hazelcast();
        HazelcastInstance third = MEMBERS.get(2).hazelcast();
        assertThat(LITE_AT_JOIN.get(second.getCluster().getLocalMember().getUuid().toString()))
                .as("the second member found no majority without it: it took data at once, but joined lite")
                .isTrue();
        assertThat(LITE_AT_JOIN.get(third.getCluster().getLocalMember().getUuid().toString()))
                .as("the third member joined as a lite member").isTrue();
        for (Tollgate member : MEMBERS) {
            Member local = member.hazelcast().getCluster().getLocalMember();
            assertThat(local.isLiteMember()).as("%s is a data member once Tollgate.start returned", local).isFalse();
        }
        long ownedByThird = third.getPartitionService().getPartitions().stream()
                .filter(p -> third.getCluster().getLocalMember().equals(p.getOwner())).count();
        assertThat(ownedByThird).as("partitions the third member owns when it starts serving").isPositive();
        assertThat(third.getPartitionService().isClusterSafe()).as("no migration left when it serves").isTrue();
    }

    @Test
    void theWarmUpChecksRanButNoDecisionIsCounted() {
        Tollgate third = MEMBERS.get(2);
        assertThat(third.hazelcast().getMap(ClusterMember.USER_POLICIES).containsKey(HttpWarmUp.USER_PREFIX + "0"))
                .as("the warm-up's checks looked up their user's policy").isTrue();
        String metrics = Http.send(java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + third.port() + "/metrics")).build()).body();
        List<PromText.Sample> decisions = PromText.parse(metrics).stream()
                .filter(s -> s.name().equals("tollgate_decisions_total") && s.value() > 0).toList();
        assertThat(decisions).as("decisions counted before any caller asked").isEmpty();
    }
}
