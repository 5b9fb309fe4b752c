package io.tollgate.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** An immutable set of window counters, the rate-limit part of one cluster entry. */
public final class Counters {
    private static final Counters EMPTY = new Counters(Map.of());

    private final Map<CounterKey, SlidingWindow> windows;

    private Counters(Map<CounterKey, SlidingWindow> windows) {
        this.windows = windows;
    }

    public static Counters empty() {
        return EMPTY;
    }

    public static Counters of(Map<CounterKey, SlidingWindow> windows) {
        return windows.isEmpty() ? EMPTY : new Counters(Map.copyOf(windows));
    }

    public SlidingWindow get(CounterKey key) {
        SlidingWindow w = windows.get(key);
        return w != null ? w : SlidingWindow.empty(key.window());
    }

    public Map<CounterKey, SlidingWindow> asMap() {
        return Collections.unmodifiableMap(windows);
    }

    public boolean isEmpty() {
        return windows.isEmpty();
    }

    /**
     * These counters with {@code updates} applied and every counter that has become idle dropped. The new map is
     * built once and never changed afterwards, so it is kept as it is.
     */
    public Counters with(Map<CounterKey, SlidingWindow> updates, long now) {
        Map<CounterKey, SlidingWindow> next = HashMap.newHashMap(windows.size() + updates.size());
        windows.forEach((k, w) -> {
            if (!updates.containsKey(k) && !w.isIdle(now)) {
                next.put(k, w);
            }
        });
        updates.forEach((k, w) -> {
            if (!w.isIdle(now)) {
                next.put(k, w);
            }
        });
        return next.isEmpty() ? EMPTY : new Counters(next);
    }

    /** Both copies' counters, each the {@linkplain SlidingWindow#atLeast larger} of the two per bucket (split-brain merges). */
    public Counters atLeast(Counters other, long now) {
        Map<CounterKey, SlidingWindow> next = new HashMap<>(windows);
        other.windows.forEach((k, w) -> next.merge(k, w, (mine, theirs) -> mine.atLeast(theirs, now)));
        return with(next, now);
    }

    /** The longest window among the counters, in milliseconds; 0 when there are none. */
    public long longestWindowMillis() {
        long longest = 0;
        for (CounterKey k : windows.keySet()) {
            longest = Math.max(longest, k.window().millis());
        }
        return longest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Counters other && windows.equals(other.windows);
    }

    @Override
    public int hashCode() {
        return windows.hashCode();
    }

    @Override
    public String toString() {
        return "Counters" + windows;
    }
}
