package io.tollgate.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One billing period, {@code [start, end)}: {@code start} belongs to it, {@code end} is the start of
 * the next period. Built by {@link BillingCycle#periodAt}.
 */
public record BillingPeriod(Instant start, Instant end) {
    public BillingPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("period start " + start + " must be before its end " + end);
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /**
     * A stable name for the period: its start as an ISO-8601 UTC instant ({@link Instant#toString()},
     * e.g. {@code "2026-11-14T18:30:00Z"} for anchor day 15 in Asia/Kolkata). The same cycle always
     * yields the same id for the same period; changing a user's anchor day or zone starts periods at
     * other instants and therefore yields other ids. Sorts chronologically as text within 0000..9999.
     */
    public String id() {
        return start.toString();
    }
}
