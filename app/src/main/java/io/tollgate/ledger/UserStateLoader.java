package io.tollgate.ledger;

import com.hazelcast.map.MapLoader;
import io.tollgate.core.UserState;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rebuilds a user's entry from the ledger when the cluster has none: on the first call of a user
 * after a full restart, and when an entry that expired is used again. The
 * entry starts a new epoch with the ledger's total as its confirmed base (the period is taken from the
 * ledger rows, so no policy look-up is needed here).
 *
 * <p>Hazelcast calls this on the key's partition thread, so it talks to PostgreSQL only (never to
 * another IMap), and when PostgreSQL has just failed it answers "nothing" at once for a few seconds
 * instead of blocking the partition: the entry then starts with an unknown base, which the next
 * confirmed flush fills in.
 */
public final class UserStateLoader implements MapLoader<String, UserState> {
    private static final Logger LOG = Logger.getLogger(UserStateLoader.class.getName());
    private static final long BACK_OFF_MILLIS = 5_000;

    private final LedgerRepository ledger;
    private volatile long unavailableUntil;

    public UserStateLoader(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Override
    public UserState load(String userId) {
        if (System.currentTimeMillis() < unavailableUntil) {
            return null;
        }
        try {
            // One indexed query; the period is the one the ledger rows were written for.
            LedgerRepository.PeriodTotal current = ledger.currentPeriod(userId, Instant.now());
            if (current == null) {
                return null;
            }
            return UserState.fresh(UUID.randomUUID().toString(), current.period(), current.total());
        } catch (RuntimeException e) {
            unavailableUntil = System.currentTimeMillis() + BACK_OFF_MILLIS;
            LOG.log(Level.WARNING, "ledger unavailable while loading " + userId + "; its quota base will be filled in later", e);
            return null;
        }
    }

    @Override
    public Map<String, UserState> loadAll(Collection<String> keys) {
        Map<String, UserState> out = new HashMap<>();
        for (String key : keys) {
            UserState s = load(key);
            if (s != null) {
                out.put(key, s);
            }
        }
        return out;
    }

    /**
     * No pre-load. Hazelcast refuses operations on a map while its keys load, and loads again when the
     * partition that coordinates the load changes owner; a merge after a split failed on a member
     * whose users map was "still loading data from external store", and its entries were lost to
     * the merge. Loading each user on first use costs one indexed query instead.
     */
    @Override
    public Iterable<String> loadAllKeys() {
        return List.of();
    }
}
