package io.tollgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Waiting for a cluster answer until a deadline: the answer when it comes in time, ClusterUnavailable once it is past. */
class ClusterUnavailableAwaitTest {

    @Test
    void anAnswerInTimeIsReturned() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> waited = pool.submit(() -> ClusterUnavailable.await(answer, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            Thread.sleep(20);
            answer.complete("decided");
            assertThat(waited.get(5, TimeUnit.SECONDS)).isEqualTo("decided");
        }
    }

    @Test
    void aFailedAnswerIsClusterUnavailableWithItsCause() {
        CompletableFuture<String> answer = CompletableFuture.failedFuture(new IllegalStateException("owner left"));
        assertThatThrownBy(() -> ClusterUnavailable.await(answer, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)))
                .isInstanceOf(ClusterUnavailable.class).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void noAnswerTimesOutAtTheDeadlineNeverBeforeIt() throws Exception {
        long timeout = TimeUnit.MILLISECONDS.toNanos(50);
        List<Future<Long>> waits = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                waits.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    try {
                        ClusterUnavailable.await(new CompletableFuture<>(), start + timeout);
                        return -1L;
                    } catch (ClusterUnavailable e) {
                        assertThat(e).hasMessageContaining("within the decision timeout");
                        return System.nanoTime() - start;
                    }
                }));
            }
            for (Future<Long> w : waits) {
                long waited = w.get(10, TimeUnit.SECONDS);
                assertThat(waited).as("waited ns").isGreaterThanOrEqualTo(timeout)
                        .isLessThan(timeout + TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    @Test
    void aDeadlineAlreadyPastAnswersAtOnceUnlessTheAnswerIsThere() {
        assertThat(ClusterUnavailable.await(CompletableFuture.completedFuture(7), System.nanoTime() - 1)).isEqualTo(7);
        assertThatThrownBy(() -> ClusterUnavailable.await(new CompletableFuture<>(), System.nanoTime() - 1))
                .isInstanceOf(ClusterUnavailable.class);
    }

    @Test
    void deadlinesFurtherThanTheRingStillFire() throws Exception {
        // The ring spans a few seconds; a deadline past it goes round and is failed on its own turn.
        long timeout = TimeUnit.MILLISECONDS.toNanos(4_500);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ClusterUnavailable.await(new CompletableFuture<>(), start + timeout))
                .isInstanceOf(ClusterUnavailable.class);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(timeout).isLessThan(timeout + TimeUnit.SECONDS.toNanos(1));
    }
}
