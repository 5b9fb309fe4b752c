package io.tollgate.bench;

import com.hazelcast.map.IMap;
import io.github.bucket4j.ConsumptionProbe;
import io.tollgate.cluster.UserProcessor;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.OperationId;
import io.tollgate.core.Totals;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;

import java.util.Map;

import java.util.SplittableRandom;

/**
 * The backends alone, without HTTP, driven by the same closed loop: the Redis script through jedis
 * (one pooled connection per worker) and Bucket4j's {@code tryConsume} on an embedded member in the
 * driver's JVM, and Tollgate's acquire entry processor on Tollgate's own members embedded in the
 * driver's JVM ({@link TollgateMembers}).
 */
final class BackendWorkloads {

    private BackendWorkloads() {
    }

    static Workload redisScript(RedisSlidingLog log, UserPopulation users) {
        return worker -> {
            SplittableRandom random = new SplittableRandom(worker * 31L + 5);
            return () -> log.acquire(users.pick(random), 1, System.currentTimeMillis()).httpStatus();
        };
    }

    static Workload bucket4jCall(Bucket4jLimiter limiter, UserPopulation users) {
        return worker -> {
            SplittableRandom random = new SplittableRandom(worker * 31L + 7);
            return () -> {
                ConsumptionProbe probe = limiter.tryConsume(users.pick(random), 1);
                return probe.isConsumed() ? 200 : 429;
            };
        };
    }

    /**
     * Tollgate's entry-processor call, the one the acquire route makes after its policy look-up:
     * {@code users.submitToKey(user, new UserProcessor(acquire, ACQUIRE, memory))} with the
     * ENTERPRISE limits, quota and billing cycle. With {@code sequenced}, each worker numbers its
     * calls as a sidecar does for calls without request_id (one in flight, so each call reports the
     * previous one answered and the entry forgets it); without, every call gets a hashed id that the
     * entry remembers 60 s (calls with request_id; every call before caller sequences). Allowed maps
     * to 200, anything else to 429.
     */
    static Workload tollgateEntryProcessor(IMap<String, UserState> map, UserPopulation users, boolean sequenced) {
        UserPolicy policy = new UserPolicy("bench", BenchLimits.TIER, 1.0, Map.of(), Map.of(), null, 1, "UTC");
        var limits = policy.limitsFor(API);
        var quota = policy.quota();
        var cycle = policy.billingCycle();
        return worker -> {
            SplittableRandom random = new SplittableRandom(worker * 31L + 11);
            int tag = (int) (System.nanoTime() & 0xFFFF) << 6 | worker;
            long[] sequence = {0};
            return () -> {
                long id = sequenced ? OperationId.sequenced(tag, sequence[0]++) : OperationId.hashed(random.nextLong());
                UserRules.Acquire acquire = new UserRules.Acquire(id, sequenced ? id : 0, API, 1, limits, quota, cycle,
                        false, Long.MAX_VALUE);
                String user = users.pick(random);
                UserProcessor processor = new UserProcessor(acquire, UserProcessor.ACQUIRE, UserRules.Memory.DEFAULT);
                Decision d = map.submitToKey(user, processor).toCompletableFuture().join();
                if (UserProcessor.asksForLedgerBase(d)) {
                    // As the sidecar answers a new user's entry, with the base of a ledger that has no rows for it.
                    LedgerBase empty = LedgerBase.of(cycle.periodAt(java.time.Instant.now()), Totals.ZERO);
                    d = map.submitToKey(user, processor.withLedgerBase(empty)).toCompletableFuture().join();
                }
                return d.allowed() ? 200 : 429;
            };
        };
    }

    static final String API = "bench-api";
}
