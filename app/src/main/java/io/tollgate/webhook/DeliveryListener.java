package io.tollgate.webhook;

/** Told about every delivery attempt and every event dropped before the outbox (metrics). Must not throw. */
public interface DeliveryListener {
    /** The receiver answered 2xx. */
    String DELIVERED = "delivered";
    /** The attempt failed; another is scheduled. */
    String FAILED = "failed";
    /** The last attempt of the schedule failed: the delivery is dead. */
    String DEAD = "dead";
    /** The receiver answered 410: its endpoint is disabled. */
    String GONE = "gone";

    void attempted(String outcome, long nanos);

    /** An event that never reached the outbox ({@code reason}: {@code queue_full}, {@code coalescer_full}). */
    void dropped(String reason);

    /** Deliveries waiting (pending) in the whole outbox, and the age of the oldest. */
    record Backlog(long pending, double oldestAgeSeconds) {
        public static final Backlog EMPTY = new Backlog(0, 0);
    }

    DeliveryListener NONE = new DeliveryListener() {
        @Override
        public void attempted(String outcome, long nanos) {
        }

        @Override
        public void dropped(String reason) {
        }
    };
}
