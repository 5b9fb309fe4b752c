package io.tollgate.observe;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.helidon.metrics.api.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC counterpart of {@link TracingFilter} and {@link HttpMetricsFilter}: every call a SERVER span, child of
 * the caller's W3C {@code traceparent} metadata, and counted and timed by method and status code.
 *
 * <p>A unary handler runs in the listener's {@code onHalfClose}, so the span is current there: the decision
 * spans DecisionMetrics makes become its children. The span ends when the call closes, with its status.
 */
final class GrpcObserver implements ServerInterceptor {
    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRACESTATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    private static final AttributeKey<Long> RPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
    private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.get(TRACEPARENT);
                case "tracestate" -> carrier.get(TRACESTATE);
                default -> carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
            };
        }
    };

    private final Tracing tracing;
    private final Meters meters;
    private final ConcurrentHashMap<String, MethodMeters> byMethod = new ConcurrentHashMap<>();

    GrpcObserver(Tracing tracing, Meters meters) {
        this.tracing = tracing;
        this.meters = meters;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String fullMethod = call.getMethodDescriptor().getFullMethodName();
        MethodMeters m = byMethod.computeIfAbsent(fullMethod, MethodMeters::new);
        Span span = null;
        if (tracing.enabled()) {
            Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
            span = tracing.tracer().spanBuilder(fullMethod)
                    .setParent(parent)
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute(RPC_SYSTEM, "grpc")
                    .setAttribute(RPC_SERVICE, call.getMethodDescriptor().getServiceName())
                    .setAttribute(RPC_METHOD, call.getMethodDescriptor().getBareMethodName())
                    .startSpan();
        }
        Span callSpan = span;
        ServerCall<Q, R> observed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    m.requests(status.getCode()).increment();
                    m.duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    if (callSpan != null) {
                        callSpan.setAttribute(RPC_STATUS, (long) status.getCode().value());
                        if (!status.isOk()) {
                            callSpan.setStatus(StatusCode.ERROR, status.getCode().name());
                        }
                        callSpan.end();
                    }
                }
            }
        };
        ServerCall.Listener<Q> listener = inSpan(span, () -> next.startCall(observed, headers));
        if (span == null) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                inSpan(callSpan, () -> {
                    super.onMessage(message);
                    return null;
                });
            }

            @Override
            public void onHalfClose() {
                inSpan(callSpan, () -> {
                    super.onHalfClose();
                    return null;
                });
            }
        };
    }

    private static <T> T inSpan(Span span, java.util.function.Supplier<T> work) {
        if (span == null) {
            return work.get();
        }
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        }
    }

    /** The meters of one gRPC method, by status code created on first use. */
    private final class MethodMeters {
        private final String method;
        private final Timer duration;
        private final ConcurrentHashMap<Status.Code, io.helidon.metrics.api.Counter> requests = new ConcurrentHashMap<>();

        MethodMeters(String method) {
            this.method = method;
            this.duration = meters.timer(MetricNames.GRPC_DURATION, Meters.LATENCY_BUCKETS, "method", method);
        }

        io.helidon.metrics.api.Counter requests(Status.Code code) {
            io.helidon.metrics.api.Counter c = requests.get(code);
            return c != null ? c : requests.computeIfAbsent(code,
                    k -> meters.counter(MetricNames.GRPC_REQUESTS, "method", method, "code", k.name()));
        }
    }
}
