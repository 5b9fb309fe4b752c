package io.tollgate.webhook;

import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried next: the schedule's wait for the attempt that failed, lengthened by a
 * random share of up to 20% so that deliveries failing together (a receiver's outage) do not come back
 * together. Pure: the random source is passed in.
 */
public final class RetrySchedule {
    static final double JITTER = 0.2;
    private final List<Duration> waits;

    public RetrySchedule(List<Duration> waits) {
        this.waits = List.copyOf(waits);
    }

    /**
     * After {@code attemptsMade} attempts (the latest failed): the wait before the next, or null when none is
     * left (the delivery is dead).
     */
    public Duration next(int attemptsMade, RandomGenerator random) {
        if (attemptsMade < 1 || attemptsMade > waits.size()) {
            return null;
        }
        Duration base = waits.get(attemptsMade - 1);
        long extra = (long) (base.toMillis() * JITTER * random.nextDouble());
        return base.plusMillis(extra);
    }
}
