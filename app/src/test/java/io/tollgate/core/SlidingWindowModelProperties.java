package io.tollgate.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SlidingWindow keeps only the span of its non-empty buckets; it must behave exactly like the plain model
 * of its documented rule: buckets of W/40, the 41 newest up to the head kept, the head only moving
 * forward. Random sequences of adds, take-backs and merges, with a clock that also steps back.
 */
class SlidingWindowModelProperties {
    private static final Window W = Window.SECOND; // buckets of 25 ms

    /** The rule written plainly: bucket index to count, and the head. */
    static final class Model {
        long head;
        final TreeMap<Long, Long> buckets = new TreeMap<>();

        Model at(long now) {
            long bucket = Math.floorDiv(now, SlidingWindow.bucketMillis(W));
            if (bucket > head) {
                head = bucket;
                buckets.headMap(head - SlidingWindow.SUB_BUCKETS, false).clear();
            }
            return this;
        }

        void plus(long now, long amount) {
            at(now);
            buckets.merge(head, amount, Long::sum);
        }

        void minus(long addedAt, long amount, long now) {
            at(now);
            long bucket = Math.floorDiv(addedAt, SlidingWindow.bucketMillis(W));
            if (bucket >= head - SlidingWindow.SUB_BUCKETS && bucket <= head) {
                buckets.computeIfPresent(bucket, (k, c) -> Math.max(0, c - amount) == 0 ? null : Math.max(0, c - amount));
            }
        }

        long used(long now) {
            return visible(now).values().stream().mapToLong(Long::longValue).sum();
        }

        /** The buckets counted at {@code now}, oldest first. */
        java.util.SortedMap<Long, Long> visible(long now) {
            long bucket = Math.max(head, Math.floorDiv(now, SlidingWindow.bucketMillis(W)));
            return buckets.tailMap(bucket - SlidingWindow.SUB_BUCKETS, true);
        }

        /** A bucket stops overlapping the window when the head is 41 buckets past it. */
        static long releaseOf(long bucket) {
            return (bucket + SlidingWindow.SUB_BUCKETS + 1) * SlidingWindow.bucketMillis(W);
        }

        long nextReleaseAt(long now) {
            return visible(now).isEmpty() ? now : releaseOf(visible(now).firstKey());
        }

        long earliestFit(long now, long cost, long max) {
            if (cost > max) {
                return Long.MAX_VALUE;
            }
            long used = used(now);
            if (used + cost <= max) {
                return now;
            }
            long freed = 0;
            for (Map.Entry<Long, Long> b : visible(now).entrySet()) {
                freed += b.getValue();
                if (used - freed + cost <= max) {
                    return releaseOf(b.getKey());
                }
            }
            return releaseOf(Math.max(head, Math.floorDiv(now, SlidingWindow.bucketMillis(W))));
        }
    }

    record Op(int kind, long step, long amount, long back) {
    }

    @Property(tries = 500)
    void theTrimmedCounterIsThePlainRule(@ForAll("ops") List<Op> ops) {
        SlidingWindow w = SlidingWindow.empty(W);
        Model m = new Model();
        long now = 1_000_000;
        for (Op op : ops) {
            now += op.step();
            switch (op.kind()) {
                case 0 -> {
                    w = w.plus(now, op.amount());
                    m.plus(now, op.amount());
                }
                case 1 -> {
                    w = w.minus(now - op.back(), op.amount(), now);
                    m.minus(now - op.back(), op.amount(), now);
                }
                default -> {
                    // A merge with a copy of itself taken earlier changes nothing the model sees.
                    w = w.atLeast(w, now);
                    m.at(now);
                }
            }
            long probe = now + op.back() - 500; // also before the head: a clock that stepped back
            assertThat(w.used(probe)).as("used at %d after %s", probe, op).isEqualTo(m.used(probe));
            assertThat(w.used(now)).isEqualTo(m.used(now));
            assertThat(w.nextReleaseAt(probe)).as("next release at %d", probe).isEqualTo(m.nextReleaseAt(probe));
            long max = op.amount() * 3;
            assertThat(w.earliestFit(probe, op.amount(), max)).as("earliest fit at %d", probe)
                    .isEqualTo(m.earliestFit(probe, op.amount(), max));
            assertThat(w.head()).isEqualTo(m.head);
            long[] slots = w.counts();
            for (Map.Entry<Long, Long> b : m.buckets.entrySet()) {
                assertThat(slots[(int) (b.getKey() - (m.head - SlidingWindow.SUB_BUCKETS))]).isEqualTo(b.getValue());
            }
            long nonEmpty = java.util.Arrays.stream(slots).filter(c -> c != 0).count();
            assertThat(nonEmpty).isEqualTo(m.buckets.values().stream().filter(c -> c != 0).count());
            int span = m.buckets.isEmpty() ? 0 : (int) (m.buckets.lastKey() - m.buckets.firstKey() + 1);
            assertThat(w.storedSlots()).as("only the non-empty span is stored").isEqualTo(span);
            assertThat(SlidingWindow.of(W, w.head(), slots)).as("the stored form rebuilds the same counter").isEqualTo(w);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.longs().between(0, 1_200).edgeCases(e -> e.add(0L).add(25L).add(1_025L)),
                Arbitraries.longs().between(1, 5),
                Arbitraries.longs().between(0, 1_100)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 200)
    void aCounterWithOneCallKeepsOneSlot(@ForAll("times") long t) {
        SlidingWindow w = SlidingWindow.empty(Window.DAY).plus(t, 1);
        assertThat(w.storedSlots()).isEqualTo(1);
        assertThat(w.plus(t + SlidingWindow.bucketMillis(Window.DAY) * 3, 1).storedSlots()).isEqualTo(4);
    }

    @Provide
    Arbitrary<Long> times() {
        return Arbitraries.longs().between(0, 4_000_000_000_000L);
    }
}
