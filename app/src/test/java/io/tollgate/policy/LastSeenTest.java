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
