package io.tollgate.cluster;

import com.hazelcast.map.ExtendedMapEntry;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.LedgerBase;
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

    /**
     * The entry's state, or a new one: a new entry starts from {@code ledger}'s total, and an entry that
     * {@linkplain UserState#needsLedgerBase needs} one takes it.
     */
    static UserState stateOf(Map.Entry<String, UserState> entry, BillingCycle cycle, long now, LedgerBase ledger) {
        UserState state = entry.getValue();
        if (state == null) {
            return UserState.fresh(UUID.randomUUID().toString(), cycle.periodAt(Instant.ofEpochMilli(now)), ledger);
        }
        return state.usage().baseKnown() ? state : state.withUsage(state.usage().withBase(ledger));
    }

    /** True when the caller has to read the ledger's base for this entry first (see {@link UserState#needsLedgerBase}). */
    static boolean needsLedgerBase(Map.Entry<String, UserState> entry, BillingCycle cycle, long now) {
        UserState state = entry.getValue();
        if (state != null && state.usage().baseKnown()) {
            return false; // the common case, without a calendar computation
        }
        return UserState.needsLedgerBase(state, cycle.periodAt(Instant.ofEpochMilli(now)));
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
