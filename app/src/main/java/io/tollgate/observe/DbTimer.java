package io.tollgate.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;

import java.util.function.Supplier;

/**
 * Times a database call into {@code tollgate_db_query_duration_seconds{query}} and traces it as a
 * CLIENT span {@code db <query>} under the current span. {@code query} names the statement's purpose
 * (a constant such as {@code "ledger_flush"}), never its text or parameters.
 *
 * <pre>
 * Totals t = DbTimer.time("ledger_totals", () -> jdbi.withHandle(h -> ...));
 * DbTimer.run("ledger_flush", () -> jdbi.useTransaction(h -> ...));
 * </pre>
 */
public final class DbTimer {
    private DbTimer() {
    }

    public static <T> T time(String query, Supplier<T> call) {
        Instruments in = Instruments.active;
        if (in == null) {
            return call.get();
        }
        long started = System.nanoTime();
        Span span = in.tracing.enabled() ? in.startSpan("db " + query, SpanKind.CLIENT) : null;
        Throwable error = null;
        Scope scope = null;
        if (span != null) {
            span.setAttribute(Instruments.DB_SYSTEM, "postgresql");
            span.setAttribute(Instruments.DB_OPERATION, query);
            scope = span.makeCurrent();
        }
        try {
            return call.get();
        } catch (RuntimeException | Error e) {
            error = e;
            throw e;
        } finally {
            if (scope != null) {
                scope.close();
            }
            in.recordQuery(query, System.nanoTime() - started);
            Instruments.end(span, error);
        }
    }

    public static void run(String query, Runnable call) {
        time(query, () -> {
            call.run();
            return null;
        });
    }
}
