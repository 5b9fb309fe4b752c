package io.tollgate.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users whose entry on this member (as owner or as backup) holds usage the ledger has not confirmed.
 * Entry processors add and remove keys as they write, on the owner and on the backup alike, so when
 * a backup is promoted after its owner dies, the new owner already knows which keys to flush.
 * One set per Hazelcast member (tests run several members in one JVM).
 */
public final class DirtyUsers {
    private static final ConcurrentHashMap<String, Set<String>> BY_MEMBER = new ConcurrentHashMap<>();

    private DirtyUsers() {
    }

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
