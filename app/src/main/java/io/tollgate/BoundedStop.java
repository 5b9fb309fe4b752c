package io.tollgate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one step of a shutdown with a deadline. A step that has not returned by then is left running on
 * its own daemon thread, its stack is logged, and the shutdown goes on: the steps after it (the last
 * ledger flush, leaving the cluster) matter more than the one that hangs. Once, in CI, the web server's
 * stop never returned and held the whole run.
 */
final class BoundedStop {
    private static final Logger LOG = Logger.getLogger(BoundedStop.class.getName());

    private BoundedStop() {
    }

    /**
     * Runs {@code step}; returns true if it returned within {@code within}, false if it was left behind.
     * An exception the step throws in time is thrown here.
     */
    static boolean run(String what, Runnable step, Duration within) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().daemon().name("tollgate-stop-" + what).start(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            thread.join(within);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "{0} did not finish within {1} ms; going on without it. It is at:\n{2}",
                    new Object[]{what, within.toMillis(), stack(thread)});
            return false;
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return true;
    }

    private static String stack(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            out.append("\tat ").append(frame).append('\n');
        }
        return out.toString();
    }
}
