package io.tollgate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedStopTest {
    @Test
    void aStepThatNeverReturnsIsLeftBehindAtItsDeadline() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        long start = System.nanoTime();

        // join() ignores interrupts, like the web server stop that once hung.
        boolean finished = BoundedStop.run("never", never::join, Duration.ofMillis(300));

        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(finished).isFalse();
        assertThat(tookMs).isBetween(300L, 5_000L);
        never.complete(null);
    }

    @Test
    void aStepThatReturnsInTimeHasRunWhenRunReturns() {
        AtomicBoolean ran = new AtomicBoolean();

        boolean finished = BoundedStop.run("quick", () -> ran.set(true), Duration.ofSeconds(10));

        assertThat(finished).isTrue();
        assertThat(ran).isTrue();
    }

    @Test
    void aStepThatFailsInTimeThrowsItsFailure() {
        assertThatThrownBy(() -> BoundedStop.run("failing", () -> {
            throw new IllegalStateException("broken");
        }, Duration.ofSeconds(10))).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }
}
