package io.tollgate.cluster;

import com.hazelcast.spi.impl.DelegatingCompletableFuture;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Runs a small callback on the thread that completes a Hazelcast future.
 *
 * <p>Why: Hazelcast runs {@code whenComplete} callbacks on its default async executor, which is the
 * common ForkJoinPool, or, when that pool has a parallelism of 1 (any machine with 2 cores), a new
 * platform thread per callback. Our callbacks only record a metric, end a span, release a ticket or open a
 * waiter's gate: they never block, so they may run on Hazelcast's response thread.
 *
 * <p>{@link #whenDone} also adds no stage of its own: the futures of map calls ({@code submitToKey},
 * {@code getAsync}) wrap the invocation's future, and every callback on the wrapper creates another wrapper that
 * completes itself through the common pool: one more thread hand-off per call on the decision path.
 */
public final class OnCompletion {
    private static final Executor COMPLETING_THREAD = Runnable::run;

    private OnCompletion() {
    }

    /** The stage completed after {@code action} has run (for callers that wait for the action too). */
    public static <T> CompletionStage<T> run(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> action) {
        return stage.whenCompleteAsync(action, COMPLETING_THREAD);
    }

    /**
     * Runs {@code action} once {@code stage} completes, with the failure or null; the value is not passed, since
     * on the invocation's own future it may still be serialized.
     */
    public static void whenDone(CompletionStage<?> stage, java.util.function.Consumer<Throwable> action) {
        CompletionStage<?> target = stage;
        if (stage instanceof DelegatingCompletableFuture<?> wrapper && wrapper.getDelegate() instanceof CompletionStage<?> inner) {
            target = inner;
        }
        target.whenCompleteAsync((v, e) -> action.accept(e), COMPLETING_THREAD);
    }
}
