package io.tollgate.cluster;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The share of the maximum heap in use right after this JVM's latest garbage collection.
 *
 * <p>Why after a collection: the heap in use at any other moment is mostly garbage waiting for the
 * next collection and says nothing about what fits. After a young collection the old generation may
 * still hold garbage a later (mixed or full) collection frees, so the share is an upper bound of what
 * is live: it errs towards "full". One listener per JVM (the heap is shared by every member in it).
 */
public final class HeapAfterGc {
    private static volatile double share;
    private static boolean listening;

    private HeapAfterGc() {
    }

    /** Starts listening for collections once per JVM; 0 until the first collection. */
    public static synchronized void listen() {
        if (listening) {
            return;
        }
        listening = true;
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        long max = Runtime.getRuntime().maxMemory();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        share = shareOf(GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                                .getGcInfo().getMemoryUsageAfterGc(), heapPools, max);
                    }
                }, null, null);
            }
        }
    }

    /** The latest share, 0 before the first collection. */
    public static double share() {
        return share;
    }

    static double shareOf(Map<String, MemoryUsage> afterGc, Set<String> heapPools, long maxHeap) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : afterGc.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return maxHeap <= 0 ? 0 : (double) used / maxHeap;
    }
}
