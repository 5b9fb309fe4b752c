package io.tollgate.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The last policy this member read for each key, with when it was read, up to a bound. Two uses: a policy read
 * less than a second ago is answered from here (the near cache's own bound; Hazelcast's getAsync would copy a
 * near-cached value through its serialized form on every call), and an older one is answered too, however old,
 * while it is read again in the background (its owner may have just died or be frozen). Admin changes reach it
 * through {@link #forget}, on every member, as they reach the near caches; a read that began before a forget is
 * not remembered after it ({@link #rememberUnlessForgotten}).
 *
 * <p>Bounded by Caffeine: its eviction costs the same however full the cache is (evicting the first key of a
 * ConcurrentHashMap scanned ever more empty bins: 205-302 us per new key at 100,000 entries, and threads adding at
 * once overshot the bound), and it keeps keys read often before keys read once, so a flood of never-seen users does
 * not push out the users being served.
 */
final class LastSeen<V> {
    private record Seen<V>(V value, long atNanos) {
    }

    private final BooleanSupplier room;
    private final Cache<String, Seen<V>> cache;
    private final ConcurrentMap<String, Seen<V>> values;
    /** Counts forgets: a read that saw another count than the current one may have read what was forgotten. */
    private final AtomicLong forgets = new AtomicLong();

    /** {@code room}: whether a key not held yet may be added (values of held keys are always replaced). */
    LastSeen(int capacity, BooleanSupplier room) {
        this.room = room;
        // Upkeep (eviction) on the calling thread, not on the common pool.
        this.cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
        this.values = cache.asMap();
    }

    /** To pass to {@link #rememberUnlessForgotten}, taken before the read. */
    long generation() {
        return forgets.get();
    }

    /** Remembers a value read since {@code generation}, unless something was forgotten since then. */
    void rememberUnlessForgotten(String key, V value, long generation) {
        Seen<V> seen = remember(key, value);
        // After the put: a forget that came before it is seen here, one that comes after it removes the value itself.
        if (seen != null && forgets.get() != generation) {
            values.remove(key, seen);
        }
    }

    /** The value remembered, or null when the key is new and there is no room for it. */
    private Seen<V> remember(String key, V value) {
        Seen<V> seen = new Seen<>(value, System.nanoTime());
        if (values.replace(key, seen) == null) {
            if (!room.getAsBoolean()) {
                return null;
            }
            values.put(key, seen);
        }
        return seen;
    }

    /** The last value read, or null. */
    V get(String key) {
        Seen<V> seen = values.get(key);
        return seen == null ? null : seen.value();
    }

    /** The last value read if it was read less than {@code maxAgeNanos} ago, else null. */
    V fresh(String key, long maxAgeNanos) {
        Seen<V> seen = values.get(key);
        return seen == null || System.nanoTime() - seen.atNanos() >= maxAgeNanos ? null : seen.value();
    }

    /** Forgets one key, or all of them for "". */
    void forget(String key) {
        forgets.incrementAndGet();
        if (key.isEmpty()) {
            values.clear();
        } else {
            values.remove(key);
        }
    }

    int size() {
        cache.cleanUp();
        return (int) cache.estimatedSize();
    }
}
