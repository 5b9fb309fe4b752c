package io.tollgate.policy;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LastSeenTest {

    @Test
    void keepsTheLastValueReadPerKeyUpToItsBound() {
        LastSeen<String> seen = new LastSeen<>(3);
        seen.rememberUnlessForgotten("a", "a1", seen.generation());
        seen.rememberUnlessForgotten("a", "a2", seen.generation());
        assertThat(seen.get("a")).isEqualTo("a2");
        seen.rememberUnlessForgotten("b", "b1", seen.generation());
        seen.rememberUnlessForgotten("c", "c1", seen.generation());
        seen.rememberUnlessForgotten("d", "d1", seen.generation());
        assertThat(seen.size()).as("bounded").isEqualTo(3);
        assertThat(seen.get("d")).as("the newest is kept").isEqualTo("d1");
        seen.rememberUnlessForgotten("d", "d2", seen.generation());
        assertThat(seen.size()).as("a known key replaces its value, evicting nothing").isEqualTo(3);
        assertThat(seen.get("never")).isNull();
    }

    @Test
    void withoutRoomANewKeyIsNotRememberedButAHeldOneIsStillReplaced() {
        java.util.concurrent.atomic.AtomicBoolean room = new java.util.concurrent.atomic.AtomicBoolean(true);
        LastSeen<String> seen = new LastSeen<>(10, room::get);
        seen.rememberUnlessForgotten("held", "h1", seen.generation());

        room.set(false);
        seen.rememberUnlessForgotten("new", "n1", seen.generation());
        seen.rememberUnlessForgotten("held", "h2", seen.generation());

        assertThat(seen.get("new")).isNull();
        assertThat(seen.get("held")).isEqualTo("h2");
        assertThat(seen.size()).isEqualTo(1);
    }

    @Test
    void staysWithinItsBoundWhenManyThreadsRememberNewKeysAtOnce() throws Exception {
        int capacity = 1_000;
        int threads = 8;
        LastSeen<String> seen = new LastSeen<>(capacity);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        java.util.List<Thread> writers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 50_000; i++) {
                    seen.rememberUnlessForgotten(thread + "-" + i, "v", seen.generation());
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        // Each thread may have added its key between making room and putting it.
        assertThat(seen.size()).isLessThanOrEqualTo(capacity + threads);
    }

    @Test
    void aValueIsFreshForTheGivenAgeAndKeptAfterwardsForWhenTheClusterCannotAnswer() throws InterruptedException {
        LastSeen<String> seen = new LastSeen<>(10);
        seen.rememberUnlessForgotten("a", "a1", seen.generation());
        assertThat(seen.fresh("a", TimeUnit.SECONDS.toNanos(10))).isEqualTo("a1");
        Thread.sleep(20);
        assertThat(seen.fresh("a", TimeUnit.MILLISECONDS.toNanos(10))).as("older than 10 ms").isNull();
        assertThat(seen.get("a")).isEqualTo("a1");
        seen.rememberUnlessForgotten("a", "a2", seen.generation());
        assertThat(seen.fresh("a", TimeUnit.MILLISECONDS.toNanos(10))).as("read again").isEqualTo("a2");
        assertThat(seen.fresh("never", TimeUnit.SECONDS.toNanos(10))).isNull();
    }

    @Test
    void forgetsOneKeyOrAllOfThem() {
        LastSeen<String> seen = new LastSeen<>(10);
        seen.rememberUnlessForgotten("a", "a1", seen.generation());
        seen.rememberUnlessForgotten("b", "b1", seen.generation());
        seen.forget("a");
        assertThat(seen.get("a")).isNull();
        assertThat(seen.get("b")).isEqualTo("b1");
        seen.forget("");
        assertThat(seen.size()).isZero();
    }

    @Test
    void aValueReadBeforeAForgetIsNotRemembered() {
        LastSeen<String> seen = new LastSeen<>(10);
        long beforeRead = seen.generation();
        seen.forget("a"); // an admin change arrives while the read is on its way
        seen.rememberUnlessForgotten("a", "a-old", beforeRead);
        assertThat(seen.get("a")).as("read before the change").isNull();
        seen.rememberUnlessForgotten("a", "a-new", seen.generation());
        assertThat(seen.get("a")).isEqualTo("a-new");
    }
}
