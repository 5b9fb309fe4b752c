package io.tollgate.policy;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LastSeenTest {

    @Test
    void keepsTheLastValueReadPerKeyUpToItsBound() {
        LastSeen<String> seen = new LastSeen<>(3);
        seen.remember("a", "a1");
        seen.remember("a", "a2");
        assertThat(seen.get("a")).isEqualTo("a2");
        seen.remember("b", "b1");
        seen.remember("c", "c1");
        seen.remember("d", "d1");
        assertThat(seen.size()).as("bounded").isEqualTo(3);
        assertThat(seen.get("d")).as("the newest is kept").isEqualTo("d1");
        seen.remember("d", "d2");
        assertThat(seen.size()).as("a known key replaces its value, evicting nothing").isEqualTo(3);
        assertThat(seen.get("never")).isNull();
    }

    @Test
    void aValueIsFreshForTheGivenAgeAndKeptAfterwardsForWhenTheClusterCannotAnswer() throws InterruptedException {
        LastSeen<String> seen = new LastSeen<>(10);
        seen.remember("a", "a1");
        assertThat(seen.fresh("a", TimeUnit.SECONDS.toNanos(10))).isEqualTo("a1");
        Thread.sleep(20);
        assertThat(seen.fresh("a", TimeUnit.MILLISECONDS.toNanos(10))).as("older than 10 ms").isNull();
        assertThat(seen.get("a")).isEqualTo("a1");
        seen.remember("a", "a2");
        assertThat(seen.fresh("a", TimeUnit.MILLISECONDS.toNanos(10))).as("read again").isEqualTo("a2");
        assertThat(seen.fresh("never", TimeUnit.SECONDS.toNanos(10))).isNull();
    }

    @Test
    void forgetsOneKeyOrAllOfThem() {
        LastSeen<String> seen = new LastSeen<>(10);
        seen.remember("a", "a1");
        seen.remember("b", "b1");
        seen.forget("a");
        assertThat(seen.get("a")).isNull();
        assertThat(seen.get("b")).isEqualTo("b1");
        seen.forget("");
        assertThat(seen.size()).isZero();
    }
}
