package io.tollgate.cluster;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Runs a small callback on the thread that completes a Hazelcast future.
 *
 * <p>Why: Hazelcast runs {@code whenComplete} callbacks on its default async executor, which is the
 * common ForkJoinPool, or, when that pool has a parallelism of 1 (any machine with 2 cores), a new
 * platform thread per callback. On this machine that was several thread starts per acquire and most
 * of its latency. Our callbacks only record a metric, end a span or release a ticket: they never
 * block, so they may run on Hazelcast's response thread.
 */
public final class OnCompletion {
    private static final Executor COMPLETING_THREAD = Runnable::run;

    private OnCompletion() {
    }

    public static <T> CompletionStage<T> run(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> action) {
        return stage.whenCompleteAsync(action, COMPLETING_THREAD);
    }
}
