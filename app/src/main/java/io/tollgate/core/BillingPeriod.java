package io.tollgate.core;

import java.time.Instant;

/** One billing period, {@code [start, end)}. */
public record BillingPeriod(Instant start, Instant end) {
}
