package io.tollgate.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
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
            if (deadlineNanos == Long.MAX_VALUE || f.isDone()) {
                return f.get();
            }
            if (deadlineNanos - System.nanoTime() <= 0) {
                throw new TimeoutException("the deadline had passed");
            }
            // An untimed wait on a gate that the answer opens, or DeadlineWheel fails at the deadline.
            CompletableFuture<Void> gate = new CompletableFuture<>();
            OnCompletion.whenDone(f, e -> gate.complete(null));
            DeadlineWheel.INSTANCE.failAt(gate, deadlineNanos);
            gate.get();
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailable("interrupted", e);
        } catch (TimeoutException e) {
            throw new ClusterUnavailable("no answer within the decision timeout", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new ClusterUnavailable("no answer within the decision timeout", e.getCause());
            }
            throw new ClusterUnavailable(String.valueOf(e.getCause()), e.getCause());
        } catch (RuntimeException e) {
            throw new ClusterUnavailable(e.toString(), e);
        }
    }
}
