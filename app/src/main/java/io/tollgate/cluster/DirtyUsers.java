package io.tollgate.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users whose entry on this member (as owner or as backup) holds usage the ledger has not confirmed.
 * Entry processors add and remove keys as they write, on the owner and on the backup alike, so when
 * a backup is promoted after its owner dies, the new owner already knows which keys to flush.
 * Migrations and merges move entries without entry processors ({@link #UNFLUSHED}).
 * One set per Hazelcast member (tests run several members in one JVM).
 */
public final class DirtyUsers {
    private static final ConcurrentHashMap<String, Set<String>> BY_MEMBER = new ConcurrentHashMap<>();

    private DirtyUsers() {
    }

    /**
     * Entries holding usage the ledger has not confirmed. A partition that migrated here, or an entry a
     * split-brain merge wrote, reached this member without its entry processors and so without its mark:
     * the flusher finds those with this query now and then.
     */
    public static final com.hazelcast.query.Predicate<String, io.tollgate.core.UserState> UNFLUSHED =
            e -> e.getValue() != null && e.getValue().usage().hasUnflushed();

    public static Set<String> of(String memberName) {
        return BY_MEMBER.computeIfAbsent(memberName, k -> ConcurrentHashMap.newKeySet());
    }

    static void track(String memberName, String key, boolean dirty) {
        if (dirty) {
            of(memberName).add(key);
        } else {
            of(memberName).remove(key);
        }
    }
}
