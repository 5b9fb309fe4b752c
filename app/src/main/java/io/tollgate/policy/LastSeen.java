package io.tollgate.policy;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last policy this member read for each key, up to a bound: what a decision uses when the cluster cannot
 * answer a policy look-up in time (its owner just died or is frozen). Without it, every call of an API whose
 * policy entry lived on a dead member would wait for Hazelcast's retries; with it, they go on deciding on their
 * users' owners. Admin changes reach it through {@link #forget}, as they reach the near caches.
 */
final class LastSeen<V> {
    private final int capacity;
    private final ConcurrentHashMap<String, V> values = new ConcurrentHashMap<>();

    LastSeen(int capacity) {
        this.capacity = capacity;
    }

    void remember(String key, V value) {
        if (values.get(key) == value) {
            return; // the near cache hands out the same instance until it refreshes: nothing to write
        }
        if (values.size() >= capacity && !values.containsKey(key)) {
            Iterator<String> any = values.keySet().iterator();
            if (any.hasNext()) {
                values.remove(any.next());
            }
        }
        values.put(key, value);
    }

    /** The last value read, or null. */
    V get(String key) {
        return values.get(key);
    }

    /** Forgets one key, or all of them for "". */
    void forget(String key) {
        if (key.isEmpty()) {
            values.clear();
        } else {
            values.remove(key);
        }
    }

    int size() {
        return values.size();
    }
}
