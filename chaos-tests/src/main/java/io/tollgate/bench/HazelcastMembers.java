package io.tollgate.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import java.util.List;

/** Embedded Hazelcast members for the Bucket4j baseline: loopback only, exact ports, TCP/IP join. */
final class HazelcastMembers {

    private HazelcastMembers() {
    }

    /**
     * Starts one member on {@code port} that joins {@code members} (host:port list, itself included).
     * {@code customize} adds what the caller stores (Bucket4j's serializers).
     */
    static HazelcastInstance start(String clusterName, int port, List<String> members,
                                   java.util.function.Consumer<Config> customize) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
        customize.accept(config);
        return Hazelcast.newHazelcastInstance(config);
    }
}
