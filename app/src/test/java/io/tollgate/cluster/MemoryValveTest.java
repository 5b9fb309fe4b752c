package io.tollgate.cluster;

import org.junit.jupiter.api.Test;

import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** MemoryValve's rule and HeapAfterGc's arithmetic; the valve on a real member: MemoryValveHttpTest. */
class MemoryValveTest {

    @Test
    void admitsNewEntriesBelowTheCeilingOnlyAndOpensAgainWhenTheHeapEmpties() {
        AtomicReference<Double> share = new AtomicReference<>(0.5);
        MemoryValve valve = new MemoryValve(0.8, share::get);
        assertThat(valve.admitsNewEntries()).isTrue();
        share.set(0.8);
        assertThat(valve.admitsNewEntries()).as("at the ceiling").isFalse();
        share.set(0.97);
        assertThat(valve.admitsNewEntries()).isFalse();
        share.set(0.79);
        assertThat(valve.admitsNewEntries()).as("after a collection freed the heap").isTrue();
    }

    @Test
    void theShareCountsHeapPoolsOnly() {
        Map<String, MemoryUsage> afterGc = Map.of(
                "G1 Eden Space", new MemoryUsage(0, 0, 100, -1),
                "G1 Old Gen", new MemoryUsage(0, 600, 700, 1000),
                "G1 Survivor Space", new MemoryUsage(0, 50, 100, -1),
                "Metaspace", new MemoryUsage(0, 300, 300, -1));
        double share = HeapAfterGc.shareOf(afterGc, Set.of("G1 Eden Space", "G1 Old Gen", "G1 Survivor Space"), 1000);
        assertThat(share).isEqualTo(0.65);
    }

    @Test
    void aRealCollectionIsSeen() throws InterruptedException {
        HeapAfterGc.listen();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (HeapAfterGc.share() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(HeapAfterGc.share()).isGreaterThan(0).isLessThan(1);
    }
}
