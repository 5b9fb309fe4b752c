package io.tollgate.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.LocalMapStats;

/**
 * Memory per active user in the Bucket4j baseline: one user's bucket driven until it denies (its
 * minute bandwidth empty), then the map's owned entry memory cost per owned entry on a one-member
 * cluster (Hazelcast's own accounting of key + value + record overhead). A token bucket's state has
 * a fixed size, so this is also its size at the hour and day limits.
 */
final class Bucket4jMemory {

    record Result(long bytesPerEntry, long entries, long consumedBeforeDenial) {
    }

    private Bucket4jMemory() {
    }

    static Result measure(HazelcastInstance member, String user) {
        String mapName = "bench-memory";
        Bucket4jLimiter limiter = new Bucket4jLimiter(member, mapName);
        long consumed = 0;
        while (limiter.tryConsume(user, 1).isConsumed()) {
            consumed++;
        }
        LocalMapStats stats = member.getMap(mapName).getLocalMapStats();
        long entries = stats.getOwnedEntryCount();
        return new Result(entries == 0 ? 0 : stats.getOwnedEntryMemoryCost() / entries, entries, consumed);
    }
}
