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

    /** Pipelined seeding (see {@link RedisSlidingLog#seed}) in batches of 2,000 from four threads. */
    @Override
    public long prefill(String prefix, long count, long deadlineMillis) throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong nextBatch = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        int batch = 2_000;
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long from;
                while ((from = nextBatch.getAndAdd(batch)) < count && System.currentTimeMillis() < deadlineMillis) {
                    long to = Math.min(count, from + batch);
                    try (AbstractPipeline p = log.client().pipelined()) {
                        long now = System.currentTimeMillis();
                        for (long i = from; i < to; i++) {
                            log.seed(p, prefix + i, now);
                        }
                        p.sync();
                    }
                    done.addAndGet(to - from);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return done.get();
    }

    @Override
    public void close() {
        log.close();
    }
}
