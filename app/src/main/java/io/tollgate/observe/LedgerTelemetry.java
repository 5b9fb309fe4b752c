package io.tollgate.observe;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;

import java.util.function.Supplier;

/**
 * Ledger flush telemetry: a span {@code ledger flush} around one flush round (its database calls made
 * with {@link DbTimer} become its children), and {@code tollgate_ledger_flushes_total{result}}.
 *
 * <pre>
 * LedgerTelemetry.flush(() -> flushOnce());               // span
 * LedgerTelemetry.flushed(LedgerTelemetry.OK);            // counter, once per flush round or batch
 * </pre>
 * Backlog and lag come from {@link LedgerStatus} (set with {@code Observability.ledgerStatus(...)}).
 */
public final class LedgerTelemetry {
    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String EMPTY = "empty";
    static final String[] KNOWN = {OK, ERROR};

    private LedgerTelemetry() {
    }

    public static <T> T flush(Supplier<T> round) {
        Instruments in = Instruments.active;
        Span span = in == null ? null : in.startSpan("ledger flush", SpanKind.INTERNAL);
        if (span == null) {
            return round.get();
        }
        Throwable error = null;
        try (Scope ignored = span.makeCurrent()) {
            return round.get();
        } catch (RuntimeException | Error e) {
            error = e;
            throw e;
        } finally {
            Instruments.end(span, error);
        }
    }

    public static void flushed(String result) {
        Instruments in = Instruments.active;
        if (in != null) {
            in.countFlush(result);
        }
    }
}
