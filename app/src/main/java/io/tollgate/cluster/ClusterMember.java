package io.tollgate.cluster;

import com.hazelcast.config.ClasspathYamlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.map.MapLoader;
import io.tollgate.core.UserState;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import io.tollgate.config.Settings;

import java.util.Properties;

/**
 * Starts this sidecar's embedded Hazelcast member from cluster-config/hazelcast.yaml, filled in from
 * the settings, with Tollgate's serializers and the join admission check.
 */
public final class ClusterMember {
    public static final String USERS = "tollgate-users";
    public static final String APIS = "tollgate-apis";
    public static final String USER_POLICIES = "tollgate-user-policies";
    public static final String API_POLICIES = "tollgate-api-policies";
    public static final String IDEMPOTENCY = "tollgate-idempotency";
    public static final String HTTP_PORT_ATTRIBUTE = "tollgate.http.port";
    private static final String MAJORITY = "tollgate-majority";

    private ClusterMember() {
    }

    public static Config config(Settings settings, MapLoader<String, UserState> usersLoader) {
        Properties vars = new Properties();
        vars.setProperty("tollgate.cluster.name", settings.clusterName());
        vars.setProperty("tollgate.cluster.port", Integer.toString(settings.clusterPort()));
        vars.setProperty("tollgate.cluster.interface", settings.clusterInterface());
        Config config = new ClasspathYamlConfig("hazelcast/hazelcast.yaml", vars);
        config.setInstanceName("tollgate-" + settings.clusterPort() + "-" + ProcessHandle.current().pid());
        config.getNetworkConfig().getJoin().getTcpIpConfig().setMembers(settings.clusterMembers());
        config.getMemberAttributeConfig().setAttribute(HTTP_PORT_ATTRIBUTE, Integer.toString(settings.serverPort()));
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true,
                majorityOf(settings.clusterMembers().size())).setProtectOn(SplitBrainProtectionOn.WRITE));
        long ttlSeconds = Math.max(1, settings.policyCacheTtl().toSeconds());
        for (String policies : new String[] {USER_POLICIES, API_POLICIES}) {
            config.getMapConfig(policies).setTimeToLiveSeconds((int) ttlSeconds);
            config.getMapConfig(policies).getNearCacheConfig().setTimeToLiveSeconds((int) ttlSeconds);
        }
        config.getMapConfig(IDEMPOTENCY).setTimeToLiveSeconds((int) settings.idempotencyRetention().toSeconds());
        if (usersLoader != null) {
            // Rebuild users' quota usage from the ledger on cluster start and when an expired entry is used again.
            config.getMapConfig(USERS).setMapStoreConfig(new MapStoreConfig().setEnabled(true)
                    .setImplementation(usersLoader).setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY));
        }
        ValueSerializers.register(config.getSerializationConfig());
        return config;
    }

    /** Writes need this many members: a strict majority of the configured member list. */
    public static int majorityOf(int configuredMembers) {
        return configuredMembers / 2 + 1;
    }

    public static HazelcastInstance start(Settings settings, MapLoader<String, UserState> usersLoader) {
        Config config = config(settings, usersLoader);
        return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(),
                new AdmissionNodeContext(MemberAdmission.of(settings.clusterMembers())));
    }
}
