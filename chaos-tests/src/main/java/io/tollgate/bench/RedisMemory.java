package io.tollgate.bench;

import io.tollgate.core.Window;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Memory per active user in the Redis baseline: one ENTERPRISE user driven to its minute, hour and
 * day limits at once by replaying ten hours of traffic through the decision script on a simulated
 * clock, then {@code MEMORY USAGE key SAMPLES 0} (exact) of its three sorted sets.
 *
 * <p>The schedule: 20,000 calls per hour, evenly spaced, for nine hours; 19,000 in the first 58
 * minutes of the tenth; then, after a quiet minute, 1,000 at the last instant. That fills the day
 * (200k), the last hour (20k) and the last minute (1k) exactly; the ZCARDs are reported so any
 * shortfall is visible rather than assumed.
 */
final class RedisMemory {

    record Result(long bytes, List<Long> bytesPerWindow, List<Long> entriesPerWindow, long allowedCalls) {
    }

    private RedisMemory() {
    }

    static Result measure(RedisSlidingLog log, String user) {
        RedisClient redis = log.client();
        List<String> keys = RedisSlidingLog.keys(user);
        keys.forEach(redis::del);
        long hour = Window.HOUR.millis();
        long start = System.currentTimeMillis() - 10 * hour;
        List<Long> times = new ArrayList<>(200_000);
        for (int h = 0; h < 9; h++) {
            for (int i = 0; i < 20_000; i++) {
                times.add(start + h * hour + i * (hour / 20_000));
            }
        }
        long tenth = start + 9 * hour;
        long spacing = (58 * 60_000L) / 19_000;
        for (int i = 0; i < 19_000; i++) {
            times.add(tenth + i * spacing);
        }
        long end = start + 10 * hour - 1;
        for (int i = 0; i < 1_000; i++) {
            times.add(end);
        }
        long allowed = 0;
        for (int from = 0; from < times.size(); from += 5_000) {
            try (AbstractPipeline p = redis.pipelined()) {
                List<redis.clients.jedis.Response<Object>> replies = new ArrayList<>();
                for (int i = from; i < Math.min(times.size(), from + 5_000); i++) {
                    replies.add(p.evalsha(log.sha(), keys, log.args(times.get(i), 1)));
                }
                p.sync();
                for (var r : replies) {
                    if ((Long) ((List<?>) r.get()).get(0) == 1L) {
                        allowed++;
                    }
                }
            }
        }
        List<Long> bytes = new ArrayList<>();
        List<Long> entries = new ArrayList<>();
        long total = 0;
        for (String k : keys) {
            Long b = redis.memoryUsage(k, 0);
            bytes.add(b == null ? 0 : b);
            total += b == null ? 0 : b;
            entries.add(redis.zcard(k));
        }
        return new Result(total, bytes, entries, allowed);
    }
}
