package io.tollgate.observe;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import io.helidon.metrics.api.Counter;
import io.tollgate.cluster.MemoryValve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Cluster gauges read at scrape time (members, partitions owned, ready) and counters fed by Hazelcast
 * listeners (member joins and losses, partition replica migrations). Member changes also go to the
 * event stream. Listener callbacks run on Hazelcast event threads.
 *
 * <p>Migrations: Hazelcast reports migration events to the member that coordinates them (the oldest,
 * "master"), so {@code tollgate_cluster_migrations_total} grows on that member; sum across members.
 */
final class ClusterMetrics implements AutoCloseable {
    private final HazelcastInstance hz;
    private final UUID membershipRegistration;
    private final UUID migrationRegistration;
    private final UUID evictionRegistration;

    ClusterMetrics(HazelcastInstance hz, Meters meters, EventStream events, int majority, BooleanSupplier dbUp) {
        this.hz = hz;
        meters.gauge(MetricNames.CLUSTER_MEMBERS, this::members);
        meters.gauge(MetricNames.CLUSTER_PARTITIONS_OWNED, this::partitionsOwned);
        meters.gauge(MetricNames.READY, () -> members() >= majority && dbUp.getAsBoolean() ? 1 : 0);
        MemoryValve valve = MemoryValve.of(hz);
        meters.gauge(MetricNames.MEMORY_HEAP_AFTER_GC, valve::heapShare);
        meters.gauge(MetricNames.MEMORY_NEW_USERS_ADMITTED, () -> valve.admitsNewEntries() ? 1 : 0);
        Counter joined = meters.counter(MetricNames.CLUSTER_MEMBER_EVENTS, "type", "joined");
        Counter left = meters.counter(MetricNames.CLUSTER_MEMBER_EVENTS, "type", "left");
        Counter migrations = meters.counter(MetricNames.CLUSTER_MIGRATIONS);
        Counter evicted = meters.counter(MetricNames.IDEMPOTENCY_EVICTIONS);
        // Only entries this member owns: each eviction is counted once across the cluster.
        this.evictionRegistration = hz.getMap(io.tollgate.cluster.ClusterMember.IDEMPOTENCY)
                .addLocalEntryListener((com.hazelcast.map.listener.EntryEvictedListener<Object, Object>) e -> evicted.increment());
        this.membershipRegistration = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                joined.increment();
                events.publish(EventStream.MEMBER_CHANGE, change("joined", e));
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                left.increment();
                events.publish(EventStream.MEMBER_CHANGE, change("left", e));
            }
        });
        this.migrationRegistration = hz.getPartitionService().addMigrationListener(new MigrationListener() {
            @Override
            public void migrationStarted(MigrationState state) {
            }

            @Override
            public void migrationFinished(MigrationState state) {
            }

            @Override
            public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                migrations.increment();
            }

            @Override
            public void replicaMigrationFailed(ReplicaMigrationEvent event) {
            }
        });
    }

    private static Map<String, Object> change(String change, MembershipEvent e) {
        Member m = e.getMember();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("change", change);
        fields.put("address", m.getAddress().getHost() + ":" + m.getAddress().getPort());
        fields.put("members", e.getMembers().size());
        // Every member reports the same change: the uuid lets the webhooks' outbox keep one of them.
        fields.put("member_uuid", m.getUuid().toString());
        return fields;
    }

    int members() {
        return hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
    }

    private int partitionsOwned() {
        if (!hz.getLifecycleService().isRunning()) {
            return 0;
        }
        Member local = hz.getCluster().getLocalMember();
        int n = 0;
        for (Partition p : hz.getPartitionService().getPartitions()) {
            if (local.equals(p.getOwner())) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (hz.getLifecycleService().isRunning()) {
            hz.getCluster().removeMembershipListener(membershipRegistration);
            hz.getPartitionService().removeMigrationListener(migrationRegistration);
            hz.getMap(io.tollgate.cluster.ClusterMember.IDEMPOTENCY).removeEntryListener(evictionRegistration);
        }
    }
}
