package io.tollgate.observe;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the number of distinct {@code api} label values: the first {@code max} API ids seen keep their
 * own label, every later one is reported as {@value #OTHER}. API ids come from callers, so without a cap
 * one client sending random ids would grow Prometheus's series without limit.
 *
 * <p>Lock-free: a known id is one map read; admitting a new id reserves a slot with a CAS on the count
 * first, so the cap holds exactly under concurrency. Which ids win the slots depends on arrival order,
 * and slots are never given back while the process runs.
 */
final class ApiLabels {
    static final String OTHER = "other";

    private final int max;
    private final ConcurrentHashMap<String, Boolean> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger used = new AtomicInteger();

    ApiLabels(int max) {
        this.max = max;
    }

    /** The label to use for {@code apiId}: itself while there is room, else {@value #OTHER}. */
    String of(String apiId) {
        if (apiId == null) {
            return OTHER;
        }
        if (admitted.containsKey(apiId)) {
            return apiId;
        }
        while (true) {
            int n = used.get();
            if (n >= max) {
                return admitted.containsKey(apiId) ? apiId : OTHER;
            }
            if (used.compareAndSet(n, n + 1)) {
                if (admitted.putIfAbsent(apiId, Boolean.TRUE) != null) {
                    used.decrementAndGet();
                }
                return apiId;
            }
        }
    }

    int size() {
        return admitted.size();
    }
}
