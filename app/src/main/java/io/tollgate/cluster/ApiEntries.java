package io.tollgate.cluster;

import com.hazelcast.map.ExtendedMapEntry;
import io.tollgate.core.Counters;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An API's global counters: removed when idle, kept for as long as the longest window. */
final class ApiEntries {
    private ApiEntries() {
    }

    static void store(Map.Entry<String, Counters> entry, Counters counters) {
        if (counters.isEmpty()) {
            entry.setValue(null);
            return;
        }
        ((ExtendedMapEntry<String, Counters>) entry).setValue(counters, counters.longestWindowMillis() + 1000,
                TimeUnit.MILLISECONDS);
    }
}
