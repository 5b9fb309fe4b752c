package io.tollgate.cluster;

import com.hazelcast.config.ClasspathYamlConfig;
import com.hazelcast.config.Config;
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
    /** Topic of user ids whose policy or counters an admin changed ("" = every user). */
    public static final String POLICY_CHANGES = "tollgate-policy-changes";
    public static final String HTTP_PORT_ATTRIBUTE = "tollgate.http.port";
    private static final String MAJORITY = "tollgate-majority";
    /** Three heartbeat intervals (1 s): one late heartbeat on a loaded machine does not cost the majority. */
    static final int HEARD_FROM_MILLIS = 3_000;

    private ClusterMember() {
    }

    public static Config config(Settings settings) {
        Properties vars = new Properties();
        vars.setProperty("tollgate.cluster.name", settings.clusterName());
        vars.setProperty("tollgate.cluster.port", Integer.toString(settings.clusterPort()));
        vars.setProperty("tollgate.cluster.interface", settings.clusterInterface());
        vars.setProperty("tollgate.cluster.heartbeat-timeout-seconds",
                Long.toString(settings.clusterHeartbeatTimeout().toSeconds()));
        Config config = new ClasspathYamlConfig("hazelcast/hazelcast.yaml", vars);
        config.setInstanceName("tollgate-" + settings.clusterPort() + "-" + ProcessHandle.current().pid());
        config.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().setMembers(settings.clusterMembers());
        config.getMemberAttributeConfig().setAttribute(HTTP_PORT_ATTRIBUTE, Integer.toString(settings.serverPort()));
        int majority = majorityOf(settings.clusterMembers().size());
        if (majority > 1) {
            // Members count only while they are heard from (a heartbeat within the tolerance), not while they are
            // merely on the member list: a member cut off from the others stops counting them within ~3-4 s,
            // before its failure detection (5 s) and any mastership claim (which can take 5 s more) change the
            // list. In that window it used to admit calls on its copies while the majority counted too.
            config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
                    .newRecentlyActiveSplitBrainProtectionConfigBuilder(MAJORITY, majority, HEARD_FROM_MILLIS).build()
                    .setProtectOn(SplitBrainProtectionOn.WRITE));
        } else {
            // One configured member is always its own majority; Hazelcast's protection would only start
            // satisfied after a membership event, which a lone member never sees.
            config.getMapConfig(USERS).setSplitBrainProtectionName(null);
            config.getMapConfig(APIS).setSplitBrainProtectionName(null);
        }
        long ttlSeconds = Math.max(1, settings.policyCacheTtl().toSeconds());
        for (String policies : new String[] {USER_POLICIES, API_POLICIES}) {
            config.getMapConfig(policies).setTimeToLiveSeconds((int) ttlSeconds);
        }
        config.getMapConfig(IDEMPOTENCY).setTimeToLiveSeconds((int) settings.idempotencyRetention().toSeconds());
        // At most this many first answers per member: past it the least recently used (for these write-once records,
        // the oldest) are evicted, counted in tollgate_idempotency_evictions_total.
        config.getMapConfig(IDEMPOTENCY).getEvictionConfig().setSize(settings.idempotencyMaxPerNode());
        // No MapLoader on the users map: a map with one refuses merges while it is "loading from the
        // external store", and loads on the partition thread. Entries take their ledger base from the
        // caller instead (UserProcessor).
        ValueSerializers.register(config.getSerializationConfig());
        config.getUserContext().put(MemoryValve.CONTEXT_KEY, new MemoryValve(settings.memoryCeiling(), HeapAfterGc::share));
        return config;
    }

    /**
     * Hazelcast completes the future of every async call (submitToKey, getAsync, setAsync) through its
     * default async executor: the common ForkJoinPool, or, where that pool has a parallelism of 1 (any
     * 2-core machine), a new platform thread per call. Profiled: 374,844 thread starts in one
     * benchmark run and most of an acquire's latency. A pool of at least two threads replaces it.
     * (Not the completing thread itself: Hazelcast chains internal invocations on this executor, and
     * its response threads may not make remote calls. {@code ConcurrencyUtil} is Hazelcast-internal;
     * its setter is public and used for this.)
     */
    public static synchronized void useAPooledAsyncExecutor() {
        if (asyncPool == null) {
            asyncPool = new java.util.concurrent.ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                    java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
            com.hazelcast.internal.util.ConcurrencyUtil.setDefaultAsyncExecutor(asyncPool);
        }
    }

    private static java.util.concurrent.ForkJoinPool asyncPool;

    /** Writes need this many members: a strict majority of the configured member list. */
    public static int majorityOf(int configuredMembers) {
        return configuredMembers / 2 + 1;
    }

    /**
     * Waits (at most {@code max}) until the split-brain protection lets writes through, when this member
     * already sees a majority: Hazelcast starts the protection refusing every write until its first
     * membership evaluation, about one heartbeat after start. A minority member does not wait.
     */
    public static void awaitWritesAccepted(HazelcastInstance hz, Settings settings, java.time.Duration max) {
        int majority = majorityOf(settings.clusterMembers().size());
        pollUntil(() -> hz.getCluster().getMembers().size() < majority || writesAccepted(hz, settings), max, 20);
    }

    /** True when the split-brain protection of the counter maps currently lets writes through. */
    public static boolean writesAccepted(HazelcastInstance hz, Settings settings) {
        if (majorityOf(settings.clusterMembers().size()) <= 1) {
            return true;
        }
        return hz.getSplitBrainProtectionService().getSplitBrainProtection(MAJORITY).hasMinimumSize();
    }

    /**
     * Joins the cluster as a lite member: one that owns no partitions until {@link #takeData} makes it a data
     * member. A sidecar restarted under load used to own partitions from its join on, while its JVM was still
     * loading classes and warming up for seconds, and calls on the partitions that moved to it missed the
     * decision timeout (issue 5); joined lite, it warms up first.
     */
    public static HazelcastInstance start(Settings settings) {
        FreezeFence.start(settings.clusterHeartbeatTimeout());
        HeapAfterGc.listen();
        useAPooledAsyncExecutor();
        Config config = config(settings);
        config.setLiteMember(true);
        return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(),
                new AdmissionNodeContext(MemberAdmission.of(settings.clusterMembers()),
                        new JoinProof(settings.clusterSecret())));
    }

    /**
     * True when the data members this member sees are a majority of the configured list, so the cluster accepts
     * writes without this member's data. Split-brain protection counts data members only: a lite member does not
     * make a majority, and a cluster short of one must get this member's data before anything can be counted.
     */
    public static boolean othersHoldAMajority(HazelcastInstance hz, Settings settings) {
        long data = hz.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).count();
        return data >= majorityOf(settings.clusterMembers().size());
    }

    /**
     * Makes this lite member a data member: the master moves partitions to it from then on. Hazelcast refuses
     * while the member list is changing (a join or a mastership claim in progress); this retries until
     * {@code max} has passed.
     */
    public static void takeData(HazelcastInstance hz, java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (hz.getCluster().getLocalMember().isLiteMember()) {
            try {
                hz.getCluster().promoteLocalLiteMember();
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not become a data member within " + max, e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while becoming a data member", e);
                }
            }
        }
    }

    /** Waits (at most {@code max}) until no partition is migrating and every backup is in sync. */
    public static void awaitMigrations(HazelcastInstance hz, java.time.Duration max) {
        pollUntil(() -> hz.getPartitionService().isClusterSafe(), max, 50);
    }

    /** Asks {@code done} every {@code pauseMillis} until it holds or {@code max} has passed. */
    private static void pollUntil(java.util.function.BooleanSupplier done, java.time.Duration max, long pauseMillis) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
