package io.tollgate.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class LastSeenTest {

    private static LastSeen<String> withRoom(int capacity) {
        return new LastSeen<>(capacity, () -> true);
    }

    @Test
    void keepsTheLastValueReadPerKeyUpToItsBound() {
        LastSeen<String> seen = withRoom(3);
        seen.rememberUnlessForgotten("a", "a1", seen.generation());
        seen.rememberUnlessForgotten("a", "a2", seen.generation());
        assertThat(seen.get("a")).isEqualTo("a2");
        seen.rememberUnlessForgotten("b", "b1", seen.generation());
        seen.rememberUnlessForgotten("c", "c1", seen.generation());
        seen.rememberUnlessForgotten("d", "d1", seen.generation());
        assertThat(seen.size()).as("bounded").isEqualTo(3);
        assertThat(seen.get("never")).isNull();
    }

    @Test
    void aKeyReadOftenOutlastsAFloodOfKeysReadOnce() {
        LastSeen<String> seen = withRoom(100);
        for (int i = 0; i < 100; i++) {
            seen.rememberUnlessForgotten("served-" + i, "s", seen.generation());
        }

        // A user being served calls on during the flood: one of its calls for every 20 never-seen users.
        for (int i = 0; i < 10_000; i++) {
            seen.rememberUnlessForgotten("never-seen-" + i, "n", seen.generation());
            if (i % 20 == 0) {
                assertThat(seen.get("served-7")).as("after %d never-seen users", i).isEqualTo("s");
            }
        }
        assertThat(seen.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void aKnownKeyReplacesItsValueEvictingNothing() {
        LastSeen<String> seen = withRoom(3);
        seen.rememberUnlessForgotten("a", "a1", seen.generation());
        seen.rememberUnlessForgotten("b", "b1", seen.generation());
        seen.rememberUnlessForgotten("c", "c1", seen.generation());
        seen.rememberUnlessForgotten("b", "b2", seen.generation());
        assertThat(seen.size()).isEqualTo(3);
        assertThat(seen.get("a")).isEqualTo("a1");
        assertThat(seen.get("b")).isEqualTo("b2");
        assertThat(seen.get("c")).isEqualTo("c1");
    }

    @Test
    void withoutRoomANewKeyIsNotRememberedButAHeldOneIsStillReplaced() {
        AtomicBoolean room = new AtomicBoolean(true);
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
        LastSeen<String> seen = withRoom(capacity);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> writers = new ArrayList<>();
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
        assertThat(seen.size()).isLessThanOrEqualTo(capacity);
    }

    @Test
    void aValueIsFreshForTheGivenAgeAndKeptAfterwardsForWhenTheClusterCannotAnswer() throws InterruptedException {
        LastSeen<String> seen = withRoom(10);
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
        LastSeen<String> seen = withRoom(10);
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
        LastSeen<String> seen = withRoom(10);
        long beforeRead = seen.generation();
        seen.forget("a"); // an admin change arrives while the read is on its way
        seen.rememberUnlessForgotten("a", "a-old", beforeRead);
        assertThat(seen.get("a")).as("read before the change").isNull();
        seen.rememberUnlessForgotten("a", "a-new", seen.generation());
        assertThat(seen.get("a")).isEqualTo("a-new");
    }
}
