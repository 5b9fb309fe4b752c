package io.tollgate.chaos;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting with a deadline: poll a condition until it holds or the deadline passes, then fail with a message that
 * says what was awaited and the last value seen. Exceptions thrown by the probe count as "not yet" (a member that
 * is starting refuses connections), and the last one is attached to the failure.
 */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        value(what, deadline, () -> condition.getAsBoolean(), ok -> ok);
    }

    /** Polls {@code probe} until {@code accept} holds for its value; returns that value. */
    public static <T> T value(String what, Duration deadline, Supplier<T> probe, Predicate<T> accept) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (accept.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > end) {
                AssertionError failure = new AssertionError("timed out after " + deadline + " waiting for " + what
                        + " (last value: " + last + ")");
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            sleep(POLL);
        }
    }

    /** Like {@link #value} but returns empty instead of failing when the deadline passes. */
    public static <T> Optional<T> tryValue(Duration deadline, Supplier<T> probe, Predicate<T> accept) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() <= end) {
            try {
                T v = probe.get();
                if (accept.test(v)) {
                    return Optional.ofNullable(v);
                }
            } catch (RuntimeException ignored) {
                // not yet
            }
            sleep(POLL);
        }
        return Optional.empty();
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
