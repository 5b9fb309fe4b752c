package io.tollgate.bench;

import io.tollgate.core.Window;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The original design, faithfully: a sliding log per user and window in a Redis sorted set (one
 * member per admitted unit, scored by its time), decided by one Lua script per acquire through
 * {@code EVALSHA}.
 *
 * <p>Design note. The script runs atomically inside Redis (Redis executes one script at a time),
 * so check-then-add over the three windows cannot interleave with another decision. For each window
 * it trims the log ({@code ZREMRANGEBYSCORE}) and counts it ({@code ZCARD}); only if every window
 * has room does it add the units ({@code ZADD}) and refresh the key's lifetime ({@code EXPIRE}), so
 * a denial consumes nothing, as in Tollgate. A denial also reads the member whose departure would
 * let the call fit ({@code ZRANGE}) to answer Retry-After; an allowed call reads the oldest member
 * of the tightest window for X-RateLimit-Reset. The clock is the caller's (ARGV), so the memory
 * benchmark can replay a day in seconds. Members are unique per unit ({@code requestId:i}).
 */
final class RedisSlidingLog implements AutoCloseable {

    static final String SCRIPT = """
            local now = tonumber(ARGV[1])
            local cost = tonumber(ARGV[2])
            local member = ARGV[3]
            local used = {}
            local deny, denyRetry = 0, -1
            for i = 1, #KEYS do
              local limit, win = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
              redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - win)
              used[i] = redis.call('ZCARD', KEYS[i])
              if used[i] + cost > limit then
                local retry = -1
                if cost <= limit then
                  local first = redis.call('ZRANGE', KEYS[i], used[i] + cost - limit - 1, used[i] + cost - limit - 1, 'WITHSCORES')
                  retry = tonumber(first[2]) + win - now
                end
                if deny == 0 or retry == -1 or (denyRetry ~= -1 and retry > denyRetry) then
                  deny, denyRetry = i, retry
                end
              end
            end
            if deny > 0 then
              local limit, win = tonumber(ARGV[2 + 2 * deny]), tonumber(ARGV[3 + 2 * deny])
              local oldest = redis.call('ZRANGE', KEYS[deny], 0, 0, 'WITHSCORES')
              local resetAt = now
              if oldest[2] then resetAt = tonumber(oldest[2]) + win end
              return {0, deny, math.max(0, limit - used[deny]), resetAt, denyRetry}
            end
            local tight, tightRemaining = 0, 0
            for i = 1, #KEYS do
              local limit, win = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
              for c = 1, cost do
                redis.call('ZADD', KEYS[i], now, member .. ':' .. c)
              end
              redis.call('EXPIRE', KEYS[i], math.ceil(win / 1000))
              local remaining = limit - used[i] - cost
              if tight == 0 or remaining < tightRemaining then tight, tightRemaining = i, remaining end
            end
            local oldest = redis.call('ZRANGE', KEYS[tight], 0, 0, 'WITHSCORES')
            return {1, tight, tightRemaining, tonumber(oldest[2]) + tonumber(ARGV[3 + 2 * tight]), 0}
            """;

    private final RedisClient redis;
    private final String sha;
    private final String memberPrefix = Long.toHexString(System.nanoTime()) + "-";
    private final AtomicLong sequence = new AtomicLong();

    RedisSlidingLog(String host, int port, int poolSize) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        this.redis = RedisClient.builder().hostAndPort(host, port).poolConfig(pool).build();
        this.sha = redis.scriptLoad(SCRIPT);
    }

    RedisClient client() {
        return redis;
    }

    static List<String> keys(String userId) {
        List<String> keys = new ArrayList<>(BenchLimits.WINDOWS.size());
        for (Window w : BenchLimits.WINDOWS) {
            keys.add("rl:{" + userId + "}:" + w.wireName());
        }
        return keys;
    }

    String sha() {
        return sha;
    }

    List<String> args(long now, long cost) {
        List<String> args = new ArrayList<>(3 + 2 * BenchLimits.WINDOWS.size());
        args.add(Long.toString(now));
        args.add(Long.toString(cost));
        args.add(memberPrefix + sequence.incrementAndGet());
        for (Window w : BenchLimits.WINDOWS) {
            args.add(Long.toString(BenchLimits.limit(w)));
            args.add(Long.toString(w.millis()));
        }
        return args;
    }

    /** One decision at the caller's clock {@code now} (epoch milliseconds). */
    BenchDecision acquire(String userId, long cost, long now) {
        return toDecision(redis.evalsha(sha, keys(userId), args(now, cost)), now);
    }

    /** Queues one decision on a pipeline (prefill and the memory replay); the reply is not read. */
    void acquire(AbstractPipeline pipeline, String userId, long cost, long now) {
        pipeline.evalsha(sha, keys(userId), args(now, cost));
    }

    /**
     * Queues the state one allowed call leaves behind (one member per window, with its lifetime) as
     * plain ZADD/EXPIRE commands: the same keys and sizes as {@link #acquire}, at a fraction of the
     * script's cost, so the scale runs can make a million users active within their time budget.
     */
    void seed(AbstractPipeline pipeline, String userId, long now) {
        String member = memberPrefix + sequence.incrementAndGet() + ":1";
        List<String> keys = keys(userId);
        for (int i = 0; i < keys.size(); i++) {
            pipeline.zadd(keys.get(i), now, member);
            pipeline.expire(keys.get(i), (BenchLimits.WINDOWS.get(i).millis() + 999) / 1000);
        }
    }

    private static BenchDecision toDecision(Object reply, long now) {
        List<?> r = (List<?>) reply;
        boolean allowed = ((Long) r.get(0)) == 1L;
        Window window = BenchLimits.WINDOWS.get((int) (long) (Long) r.get(1) - 1);
        long remaining = (Long) r.get(2);
        long resetAt = (Long) r.get(3);
        long retry = (Long) r.get(4);
        long retrySeconds = retry < 0 ? Long.MAX_VALUE / 1000 : BenchDecision.ceilSeconds(retry);
        return new BenchDecision(allowed, BenchLimits.limit(window), remaining,
                BenchDecision.ceilSeconds(resetAt), allowed ? 0 : retrySeconds, window.wireName());
    }

    @Override
    public void close() {
        redis.close();
    }
}
