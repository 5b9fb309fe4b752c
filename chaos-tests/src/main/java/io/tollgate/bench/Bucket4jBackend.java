package io.tollgate.bench;

import com.hazelcast.core.HazelcastInstance;

import java.util.List;

/** The Bucket4j baseline behind the HTTP front: this JVM hosts one member of the Bucket4j cluster. */
final class Bucket4jBackend implements DecisionBackend {

    private final HazelcastInstance member;
    private final Bucket4jLimiter limiter;

    Bucket4jBackend(int clusterPort, List<String> members) {
        this.member = HazelcastMembers.start("bench-bucket4j", clusterPort, members, Bucket4jLimiter::configure);
        this.limiter = new Bucket4jLimiter(member);
    }

    /** Blocks until the cluster has {@code size} members, so that load starts on the final shape. */
    void awaitClusterSize(int size, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (member.getCluster().getMembers().size() < size) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("cluster has " + member.getCluster().getMembers().size()
                        + " members, expected " + size);
            }
            Thread.sleep(100);
        }
        while (!member.getPartitionService().isClusterSafe() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    @Override
    public BenchDecision acquire(String userId, String apiId, long cost) {
        return limiter.decide(userId, cost);
    }

    @Override
    public long prefill(String prefix, long count, long deadlineMillis) throws InterruptedException {
        return limiter.prefill(prefix, count, deadlineMillis);
    }

    @Override
    public void close() {
        member.shutdown();
    }
}
