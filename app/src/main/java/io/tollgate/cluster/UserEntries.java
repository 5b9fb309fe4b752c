package io.tollgate.cluster;

import com.hazelcast.map.ExtendedMapEntry;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.UserState;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * How a user's entry is read and written inside entry processors: created on first use, removed when
 * nothing in it is worth keeping, and kept for as long as its longest window (and for as long as the
 * ledger still has to confirm some of its usage).
 */
final class UserEntries {
    /** Longer than any billing period: unconfirmed usage must never expire. */
    private static final long UNFLUSHED_TTL_MILLIS = TimeUnit.DAYS.toMillis(40);

    private UserEntries() {
    }

    static UserState stateOf(Map.Entry<String, UserState> entry, BillingCycle cycle, long now) {
        UserState state = entry.getValue();
        if (state != null) {
            return state;
        }
        // No copy of this entry anywhere: a new incarnation, whose usage the ledger base will complete.
        return UserState.fresh(UUID.randomUUID().toString(), cycle.periodAt(Instant.ofEpochMilli(now)), null);
    }

    /** Stores {@code state} (or removes the entry) with the TTL it needs. */
    static void store(String member, Map.Entry<String, UserState> entry, UserState state, long recentHorizonMillis) {
        DirtyUsers.track(member, entry.getKey(), state.usage().hasUnflushed());
        if (state.isDisposable()) {
            entry.setValue(null);
            return;
        }
        ((ExtendedMapEntry<String, UserState>) entry).setValue(state, ttlMillis(state, recentHorizonMillis),
                TimeUnit.MILLISECONDS);
    }

    static long ttlMillis(UserState state, long recentHorizonMillis) {
        if (state.usage().hasUnflushed()) {
            return UNFLUSHED_TTL_MILLIS;
        }
        return Math.max(state.counters().longestWindowMillis() + 1000, recentHorizonMillis);
    }
}
