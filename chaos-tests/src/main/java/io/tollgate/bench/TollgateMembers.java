package io.tollgate.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.helidon.config.ConfigSources;
import io.tollgate.chaos.FreePorts;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.config.Settings;
import io.tollgate.core.UserState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tollgate's own Hazelcast members embedded in the driver's JVM, for the measurements without HTTP:
 * {@link ClusterMember#config} (the sidecar's hazelcast.yaml, serializers, split-brain protection)
 * on free loopback ports, without a database: a new user's entry starts from an empty ledger base
 * (see {@link BackendWorkloads}).
 */
final class TollgateMembers implements AutoCloseable {

    private final List<HazelcastInstance> members = new ArrayList<>();

    private TollgateMembers() {
    }

    static TollgateMembers start(int count) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(FreePorts.take());
        }
        String memberList = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
        String clusterName = "tollgate-bench-embedded-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        TollgateMembers result = new TollgateMembers();
        List<Settings> settings = new ArrayList<>();
        for (int port : ports) {
            Settings s = settings(clusterName, port, memberList);
            settings.add(s);
            Config config = ClusterMember.config(s);
            ClusterMember.useAPooledAsyncExecutor(); // as ClusterMember.start does
            result.members.add(Hazelcast.newHazelcastInstance(config));
        }
        for (int i = 0; i < count; i++) {
            // With a majority of 2 of 3, writes are refused until the first membership evaluation.
            ClusterMember.awaitWritesAccepted(result.members.get(i), settings.get(i), Duration.ofSeconds(30));
        }
        return result;
    }

    /** Tollgate's settings as the sidecar reads them (application.yaml defaults), with this member's ports. */
    static Settings settings(String clusterName, int clusterPort, String memberList) {
        Map<String, String> values = new HashMap<>();
        values.put("server.port", "0");
        values.put("server.host", "127.0.0.1");
        values.put("tollgate.cluster.name", clusterName);
        values.put("tollgate.cluster.port", Integer.toString(clusterPort));
        values.put("tollgate.cluster.members", memberList);
        values.put("tollgate.cluster.interface", "127.0.0.1");
        io.helidon.config.Config config = io.helidon.config.Config.builder()
                .sources(ConfigSources.create(values), ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return Settings.from(config);
    }

    /** The users map as seen from the first member (the caller's member). */
    IMap<String, UserState> users() {
        return members.getFirst().getMap(ClusterMember.USERS);
    }

    HazelcastInstance first() {
        return members.getFirst();
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members) {
            try {
                m.getLifecycleService().terminate();
            } catch (RuntimeException e) {
                System.err.println("bench: embedded Tollgate member did not stop cleanly: " + e);
            }
        }
        members.clear();
    }
}
