package io.tollgate.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Times a Hazelcast call (an entry processor submitted to a key's owner) from submission to answer,
 * into {@code tollgate_entry_processor_duration_seconds{processor}}, and traces it as a CLIENT span
 * {@code hazelcast <processor>} under the current span.
 *
 * <p>Use around each {@code submitToKey} in DecisionService:
 * <pre>
 * Decision d = await(EntryProcessorTimer.timed("user_acquire",
 *         () -> users.submitToKey(call.userId(), new UserProcessor(...))), deadline);
 * </pre>
 * The stage returned is the one Hazelcast returned (the caller waits for nothing extra); the time is
 * recorded when it completes, on the completing thread ({@link io.tollgate.cluster.OnCompletion}). A call that never answers records
 * nothing. Processor names are constants: {@link #USER_ACQUIRE} etc.
 */
public final class EntryProcessorTimer {
    public static final String USER_ACQUIRE = "user_acquire";
    public static final String USER_CHECK = "user_check";
    public static final String USER_CANCEL = "user_cancel";
    public static final String USAGE = "usage";
    public static final String API_ACQUIRE = "api_acquire";
    public static final String API_RELEASE = "api_release";
    public static final String FLUSH = "flush";
    static final String[] KNOWN = {USER_ACQUIRE, USER_CHECK, USAGE, API_ACQUIRE};

    private EntryProcessorTimer() {
    }

    public static <T> CompletionStage<T> timed(String processor, Supplier<? extends CompletionStage<T>> submit) {
        Instruments in = Instruments.active;
        if (in == null) {
            return submit.get();
        }
        long started = System.nanoTime();
        Span span = in.tracing.enabled() ? in.startSpan("hazelcast " + processor, SpanKind.CLIENT) : null;
        if (span != null) {
            span.setAttribute(Instruments.DB_SYSTEM, "hazelcast");
            span.setAttribute(Instruments.PROCESSOR, processor);
        }
        CompletionStage<T> stage;
        try {
            stage = submit.get();
        } catch (RuntimeException e) {
            Instruments.end(span, e);
            throw e;
        }
        io.tollgate.cluster.OnCompletion.whenDone(stage, e -> {
            in.recordProcessor(processor, System.nanoTime() - started);
            Instruments.end(span, e);
        });
        return stage;
    }
}
