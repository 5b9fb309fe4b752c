package io.tollgate.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The cluster gave no usable answer in time (timeout, lost members, no majority). */
public final class ClusterUnavailable extends RuntimeException {
    public ClusterUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The answer of a cluster call, waited for until {@code deadlineNanos} ({@link System#nanoTime}; Long.MAX_VALUE
     * waits as long as Hazelcast's own retries). Anything else than an answer in time is a ClusterUnavailable.
     */
    public static <T> T await(CompletionStage<T> stage, long deadlineNanos) {
        CompletableFuture<T> f = stage.toCompletableFuture();
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return f.get();
            }
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailable("interrupted", e);
        } catch (TimeoutException e) {
            throw new ClusterUnavailable("no answer within the decision timeout", e);
        } catch (ExecutionException e) {
            throw new ClusterUnavailable(String.valueOf(e.getCause()), e.getCause());
        } catch (RuntimeException e) {
            throw new ClusterUnavailable(e.toString(), e);
        }
    }
}
