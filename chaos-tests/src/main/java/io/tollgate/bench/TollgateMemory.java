package io.tollgate.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.tollgate.core.Decision;
import io.tollgate.core.OperationId;
import io.tollgate.core.RecentOps;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import io.tollgate.core.Window;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Memory per active user in Tollgate: one ENTERPRISE user's entry at its minute, hour and day limits.
 *
 * <p>200,000 calls a day cannot be made in wall time, so the entry is built by the pure core
 * ({@link UserRules#acquire}) on a simulated clock, with the same schedule as {@link RedisMemory}
 * (nine hours at 20,000 an hour, 19,000 in the next 58 minutes, a quiet minute, then 1,000 at the
 * last instant), each call with a sequenced operation id as a sidecar sends a call without
 * request_id (one caller, one call in flight: each call reports the previous one answered).
 * The size is the entry's serialized form as Tollgate's members write it (its own serializers,
 * through the member's SerializationService): what a backup, a migration or a BINARY map holds.
 * The users map itself is OBJECT format (live Java objects), for which Hazelcast reports no entry
 * memory cost, so the serialized size is the honest comparable to Redis's MEMORY USAGE.
 *
 * <p>Four figures, because the operation-id memory depends on how calls are made: the counters and
 * usage book alone, the entry the replay left (calls without request_id), the entry at a sustained
 * 1,000 calls a minute each with a request_id (1,000 ids kept 60 s), and the worst case (the id
 * memory full at its capacity, e.g. usage reports which no rate limit caps).
 */
final class TollgateMemory {

    /**
     * @param countersBytes  the entry without operation ids
     * @param replayBytes    the entry at its limits, as the replay left it ({@code replayIds} ids)
     * @param steadyBytes    the same entry holding exactly 1,000 ids (a steady 1,000 calls a minute)
     * @param worstBytes     the entry with the operation-id memory at capacity
     */
    record Result(long countersBytes, long replayBytes, int replayIds, long steadyBytes, long worstBytes, int worstIds,
                  long allowed, String nextDecision, java.util.List<Long> binaryEntryCosts) {
    }

    private TollgateMemory() {
    }

    static Result measure(HazelcastInstance member) {
        SerializationService ss = ((SerializationServiceSupport) member).getSerializationService();
        UserPolicy policy = new UserPolicy("memory-enterprise", BenchLimits.TIER, 1.0, java.util.Map.of(),
                java.util.Map.of(), null, 1, "UTC");
        var limits = policy.limitsFor(BackendWorkloads.API);
        var cycle = policy.billingCycle();
        UserRules.Memory memory = UserRules.Memory.DEFAULT;
        long hour = Window.HOUR.millis();
        long start = Instant.parse("2025-06-15T00:00:00Z").toEpochMilli();
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
        SplittableRandom random = new SplittableRandom(42);
        UserState state = UserState.fresh("bench-epoch", cycle.periodAt(Instant.ofEpochMilli(start)), io.tollgate.core.LedgerBase.UNKNOWN);
        long allowed = 0;
        long sequence = 0;
        for (long t : times) {
            long id = OperationId.sequenced(1, sequence++);
            UserRules.Acquire a = new UserRules.Acquire(id, id, BackendWorkloads.API, 1, limits,
                    policy.quota(), cycle, false, Long.MAX_VALUE);
            UserRules.Step step = UserRules.acquire(state, a, t, memory);
            state = step.state();
            if (step.decision().allowed()) {
                allowed++;
            }
        }
        Decision next = UserRules.check(state, new UserRules.Acquire(0, 0, BackendWorkloads.API, 1, limits,
                policy.quota(), cycle, false, Long.MAX_VALUE), end).decision();
        String nextDecision = next.outcome() + (next.window() == null ? "" : " (" + next.window() + ")");
        long sustained = ss.toData(state).totalSize();
        int sustainedIds = state.recent().size();
        long counters = ss.toData(new UserState(state.counters(), state.usage(), RecentOps.empty())).totalSize();
        // A steady 1,000 calls a minute, each with a request_id, keeps 1,000 ids.
        RecentOps steady = state.recent();
        while (steady.size() < 1_000) {
            steady = steady.with(OperationId.hashed(random.nextLong()), RecentOps.APPLIED, end, memory.horizonMillis(),
                    memory.capacity(), 0);
        }
        long steadyBytes = ss.toData(new UserState(state.counters(), state.usage(), steady)).totalSize();
        RecentOps full = steady;
        while (full.size() < memory.capacity()) {
            full = full.with(OperationId.hashed(random.nextLong()), RecentOps.APPLIED, end, memory.horizonMillis(),
                    memory.capacity(), 0);
        }
        UserState worst = new UserState(state.counters(), state.usage(), full);
        List<Long> costs = new ArrayList<>();
        for (UserState s : List.of(new UserState(state.counters(), state.usage(), RecentOps.empty()), state,
                new UserState(state.counters(), state.usage(), steady), worst)) {
            costs.add(binaryEntryCost(member, s));
        }
        return new Result(counters, sustained, sustainedIds, steadyBytes, ss.toData(worst).totalSize(), full.size(),
                allowed, nextDecision, costs);
    }

    /**
     * Hazelcast's own accounting of one entry (key + serialized value + record) in a BINARY map, the
     * same figure the Bucket4j row reports; the users map is OBJECT format, for which Hazelcast
     * reports no cost.
     */
    private static long binaryEntryCost(HazelcastInstance member, UserState state) {
        String name = "bench-memory-binary-" + System.nanoTime();
        member.getConfig().addMapConfig(new com.hazelcast.config.MapConfig(name)
                .setInMemoryFormat(com.hazelcast.config.InMemoryFormat.BINARY).setBackupCount(0));
        com.hazelcast.map.IMap<String, UserState> map = member.getMap(name);
        map.set("memory-enterprise", state);
        long cost = map.getLocalMapStats().getOwnedEntryMemoryCost();
        map.destroy();
        return cost;
    }
}
