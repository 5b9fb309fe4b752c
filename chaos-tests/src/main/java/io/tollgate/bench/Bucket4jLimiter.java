package io.tollgate.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import io.tollgate.core.Window;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;

/**
 * The closest Java peer: Bucket4j on Hazelcast, one bucket per user with the three windows as
 * token-bucket bandwidths (capacity = the window's limit, refilled greedily over the window).
 *
 * <p>Design note. A decision is one {@code tryConsumeAndReturnRemaining} on a {@code BucketProxy},
 * which Bucket4j runs as an entry processor on the partition owner of the user's key (the same shape
 * as Tollgate: one cluster entry per user, mutated where it lives, with a backup on another member).
 * A token bucket is not a sliding window: it admits up to a full window's limit again as soon as the
 * bucket has refilled, so it is cheaper and looser than the log; that is the peer users would pick,
 * so it is measured as it is. Bucket4j reports only the smallest remaining token count across
 * bandwidths and not which bandwidth decided; the headers name the minute window for that reason.
 * Entries expire once their bucket would be full again (Bucket4j's equivalent of Redis EXPIRE).
 */
final class Bucket4jLimiter {

    static final String MAP = "bench-buckets";

    private final ProxyManager<String> buckets;
    private final BucketConfiguration configuration;

    Bucket4jLimiter(HazelcastInstance hazelcast) {
        this(hazelcast, MAP);
    }

    Bucket4jLimiter(HazelcastInstance hazelcast, String mapName) {
        IMap<String, byte[]> map = hazelcast.getMap(mapName);
        HazelcastProxyManager<String> manager = Bucket4jHazelcast.entryProcessorBasedBuilder(map)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        this.buckets = manager;
        ConfigurationBuilder config = BucketConfiguration.builder();
        for (Window w : BenchLimits.WINDOWS) {
            long limit = BenchLimits.limit(w);
            config.addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, Duration.ofMillis(w.millis()))
                    .id(w.wireName()).build());
        }
        this.configuration = config.build();
    }

    /** Bucket4j's serializers instead of Java serialization for its entry processors (its documented setup). */
    static void configure(Config config) {
        HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), 1000);
    }

    ConsumptionProbe tryConsume(String userId, long cost) {
        return buckets.builder().build(userId, () -> configuration).tryConsumeAndReturnRemaining(cost);
    }

    CompletableFuture<ConsumptionProbe> tryConsumeAsync(String userId, long cost) {
        return buckets.asAsync().builder().build(userId, () -> CompletableFuture.completedFuture(configuration))
                .tryConsumeAndReturnRemaining(cost);
    }

    BenchDecision decide(String userId, long cost) {
        ConsumptionProbe probe = tryConsume(userId, cost);
        long now = System.currentTimeMillis();
        long minuteLimit = BenchLimits.limit(Window.MINUTE);
        if (probe.isConsumed()) {
            long resetMillis = probe.getNanosToWaitForReset() / 1_000_000;
            return new BenchDecision(true, minuteLimit, probe.getRemainingTokens(),
                    BenchDecision.ceilSeconds(now + resetMillis), 0, Window.MINUTE.wireName());
        }
        long retryMillis = probe.getNanosToWaitForRefill() / 1_000_000;
        return new BenchDecision(false, minuteLimit, probe.getRemainingTokens(),
                BenchDecision.ceilSeconds(now + retryMillis), BenchDecision.ceilSeconds(retryMillis),
                Window.MINUTE.wireName());
    }

    /**
     * Prefill: synchronous decisions from a few threads, each taking the next user index. (Bucket4j's
     * async path measured about 400 decisions per second here, far below the synchronous one.)
     */
    long prefill(String prefix, long count, long deadlineMillis) throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long i;
                while ((i = next.getAndIncrement()) < count && System.currentTimeMillis() < deadlineMillis) {
                    tryConsume(prefix + i, 1);
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return done.get();
    }
}
