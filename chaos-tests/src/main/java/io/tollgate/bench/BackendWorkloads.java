package io.tollgate.bench;

import io.github.bucket4j.ConsumptionProbe;

import java.util.SplittableRandom;

/**
 * The backends alone, without HTTP, driven by the same closed loop: the Redis script through jedis
 * (one pooled connection per worker) and Bucket4j's {@code tryConsume} on an embedded member in the
 * driver's JVM. Tollgate's entry-processor call joins here once the cluster adapter exists.
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

    // ===== TOLLGATE ENTRY-PROCESSOR CALL =====
    // When the cluster adapter lands: start one embedded Tollgate member in this JVM (the adapter's
    // own start-up class), and return a Workload whose caller runs the same call the acquire route
    // makes (map.executeOnKey(user, <the acquire entry processor>)), mapping allowed -> 200 and
    // denied -> 429, then list it in BenchDriver#backendsAlone.
}
