package io.tollgate.chaos;

import java.time.Duration;
import java.util.Optional;

/**
 * Recovery time after a fault: until the cluster is whole again (every live member reports exactly the live members)
 * and until decisions are exact again (the last answer after the fault that was not a real decision: an error or the
 * failure policy). The recovery time is the later of the two, measured from the fault's instant.
 */
public final class RecoveryClock {

    private RecoveryClock() {
    }

    /** Waits (up to {@code deadline}) until the cluster is whole; returns the time since {@code faultNanos}, or empty. */
    public static Optional<Duration> awaitWhole(ClusterHarness cluster, long faultNanos, Duration deadline) {
        return Await.tryValue(deadline, cluster::isWhole, whole -> whole)
                .map(ok -> Duration.ofNanos(System.nanoTime() - faultNanos));
    }

    /** Time from the fault to the last undecided answer sent after it (zero when there was none). */
    public static Duration lastDisturbance(History history, long faultNanos) {
        return history.answers(a -> a.sentNanos() >= faultNanos && !(a.allowed() || a.denied())).stream()
                .map(a -> Duration.ofNanos(a.answeredNanos() - faultNanos))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    public static Duration recovery(Duration whole, Duration decisions) {
        return whole.compareTo(decisions) >= 0 ? whole : decisions;
    }
}
