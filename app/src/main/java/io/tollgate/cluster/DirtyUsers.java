package io.tollgate.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users whose entry on this member (as owner or as backup) holds usage the ledger has not confirmed.
 * Entry processors add and remove keys as they write, on the owner and on the backup alike, so when
 * a backup is promoted after its owner dies, the new owner already knows which keys to flush.
 */
public final class DirtyUsers {
    private static final Set<String> KEYS = ConcurrentHashMap.newKeySet();

    private DirtyUsers() {
    }

    static void track(String key, boolean dirty) {
        if (dirty) {
            KEYS.add(key);
        } else {
            KEYS.remove(key);
        }
    }

    public static Set<String> snapshot() {
        return Set.copyOf(KEYS);
    }

    public static void forget(String key) {
        KEYS.remove(key);
    }

    public static int size() {
        return KEYS.size();
    }
}
