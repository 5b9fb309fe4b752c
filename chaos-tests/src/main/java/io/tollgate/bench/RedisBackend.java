package io.tollgate.bench;

import redis.clients.jedis.AbstractPipeline;

/** The Redis baseline behind the HTTP front: one {@code EVALSHA} per decision at the wall clock. */
final class RedisBackend implements DecisionBackend {

    private final RedisSlidingLog log;

    RedisBackend(String host, int port) {
        // Helidon runs each request on its own virtual thread; the pool bounds connections, not requests.
        this.log = new RedisSlidingLog(host, port, 128);
    }

    @Override
    public BenchDecision acquire(String userId, String apiId, long cost) {
        return log.acquire(userId, cost, System.currentTimeMillis());
    }

    @Override
    public long prefill(String prefix, long count, long deadlineMillis) {
        long done = 0;
        while (done < count && System.currentTimeMillis() < deadlineMillis) {
            long batchEnd = Math.min(count, done + 10_000);
            try (AbstractPipeline p = log.client().pipelined()) {
                long now = System.currentTimeMillis();
                for (long i = done; i < batchEnd; i++) {
                    log.acquire(p, prefix + i, 1, now);
                }
                p.sync();
            }
            done = batchEnd;
        }
        return done;
    }

    @Override
    public void close() {
        log.close();
    }
}
