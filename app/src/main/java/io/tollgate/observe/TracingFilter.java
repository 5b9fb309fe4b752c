package io.tollgate.observe;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.ArrayList;
import java.util.List;

/**
 * The server span of every HTTP request, and the trace id on every response.
 *
 * <p>Honours an incoming W3C {@code traceparent} (and {@code tracestate}): the server span becomes its
 * child. Sets {@code X-Trace-Id} and the W3C {@code traceresponse} header before the handler runs (a
 * filter cannot add headers once the handler has sent). With tracing off no span is made: the trace id
 * is the caller's, or a fresh random one, and the span id in {@code traceresponse} is random, with
 * the sampled flag clear.
 *
 * <p>Helidon runs a request's filters and its handler on the same (virtual) thread, so the span made
 * current here is {@code Span.current()} inside DecisionService and the helpers that make child spans.
 */
final class TracingFilter implements Filter {
    static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    static final HeaderName TRACESTATE = HeaderNames.create("tracestate");
    static final HeaderName X_TRACE_ID = HeaderNames.create("X-Trace-Id");
    static final HeaderName TRACERESPONSE = HeaderNames.create("traceresponse");
    private static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> names = new ArrayList<>(carrier.size());
            for (Header h : carrier) {
                names.add(h.name());
            }
            return names;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            HeaderName name = "traceparent".equals(key) ? TRACEPARENT
                    : "tracestate".equals(key) ? TRACESTATE : HeaderNames.create(key);
            return carrier.first(name).orElse(null);
        }
    };

    private final Tracing tracing;

    TracingFilter(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!tracing.enabled()) {
            String traceId = TraceIds.traceIdOf(req.headers().first(TRACEPARENT).orElse(null));
            if (traceId == null) {
                traceId = TraceIds.randomTraceId();
            }
            res.header(X_TRACE_ID, traceId);
            res.header(TRACERESPONSE, TraceIds.traceresponse(traceId, TraceIds.randomSpanId(), false));
            chain.proceed();
            return;
        }
        String method = req.prologue().method().text();
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req.headers(), GETTER);
        Span span = tracing.tracer().spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_PATH, req.path().path())
                .startSpan();
        SpanContext sc = span.getSpanContext();
        res.header(X_TRACE_ID, sc.getTraceId());
        res.header(TRACERESPONSE, TraceIds.traceresponse(sc.getTraceId(), sc.getSpanId(), sc.isSampled()));
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            String route = HttpMetricsFilter.routeOf(req);
            span.updateName(method + " " + route);
            span.setAttribute(HTTP_ROUTE, route);
            int status = res.status().code();
            span.setAttribute(HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /** The trace id this response carries (for a JSON body's {@code trace_id}), or null outside the filter. */
    static String traceIdOf(ServerResponse res) {
        return res.headers().first(X_TRACE_ID).orElse(null);
    }
}
