/**
 * The pure core: limits, window counters ({@link io.tollgate.core.SlidingWindow}), the limiting step
 * ({@link io.tollgate.core.RateLimiter}), decisions, quotas and billing periods
 * ({@link io.tollgate.core.BillingCycle}). Everything here is an immutable value or a pure function
 * of its arguments: the clock is passed in as epoch millis or an {@link java.time.Instant}, nothing
 * does I/O, and nothing outside {@code java.*} is imported (CoreArchitectureTest enforces this).
 */
package io.tollgate.core;
