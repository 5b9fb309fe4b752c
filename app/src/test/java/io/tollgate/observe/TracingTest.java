package io.tollgate.observe;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans of one acquire reach a real OTLP/HTTP receiver (protobuf, decoded with the OpenTelemetry proto
 * classes), in the caller's trace and under the caller's span.
 */
class TracingTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final Map<String, String> OTEL = Map.of(
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.traces.exporter", "otlp",
            "otel.bsp.schedule.delay", "100",
            "otel.service.name", "tollgate-tracing-test",
            "otel.traces.sampler", "parentbased_always_on");
    private static OtlpReceiver receiver;
    private static TestSidecar sidecar;

    @BeforeAll
    static void start() {
        receiver = new OtlpReceiver();
        OTEL.forEach(System::setProperty);
        System.setProperty("otel.exporter.otlp.endpoint", receiver.endpoint());
        sidecar = TestSidecar.start(Map.of());
    }

    @AfterAll
    static void stop() {
        try {
            if (sidecar != null) {
                sidecar.close();
            }
        } finally {
            OTEL.keySet().forEach(System::clearProperty);
            System.clearProperty("otel.exporter.otlp.endpoint");
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    @Test
    void spansOfAnAcquireJoinTheCallersTrace() {
        HttpResponse<String> res = sidecar.acquire("traced-user", "traced-api",
                "traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("X-Trace-Id")).contains(TRACE_ID);
        String traceresponse = res.headers().firstValue("traceresponse").orElseThrow();
        assertThat(traceresponse).matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01");
        String serverSpanId = traceresponse.substring(36, 52);
        assertThat(serverSpanId).isNotEqualTo(CALLER_SPAN);

        List<Span> spans = awaitSpans(s -> server(s).isPresent() && decision(s).isPresent());
        Span server = server(spans).orElseThrow();
        assertThat(hex(server.getTraceId())).isEqualTo(TRACE_ID);
        assertThat(hex(server.getParentSpanId())).isEqualTo(CALLER_SPAN);
        assertThat(hex(server.getSpanId())).isEqualTo(serverSpanId);
        assertThat(server.getName()).isEqualTo("POST /api/rate-limits/acquire");
        assertThat(attribute(server, "http.route")).isEqualTo("/api/rate-limits/acquire");

        Span decision = decision(spans).orElseThrow();
        assertThat(hex(decision.getTraceId())).isEqualTo(TRACE_ID);
        assertThat(hex(decision.getParentSpanId())).isEqualTo(serverSpanId);
        assertThat(attribute(decision, "tollgate.tier")).isEqualTo("free");
        assertThat(attribute(decision, "tollgate.api")).isEqualTo("traced-api");
        assertThat(attribute(decision, "tollgate.outcome")).isEqualTo("allowed");
        assertThat(attribute(decision, "tollgate.window")).isEqualTo("minute");
        assertThat(decision.getStartTimeUnixNano()).isGreaterThanOrEqualTo(server.getStartTimeUnixNano());
        assertThat(decision.getEndTimeUnixNano()).isLessThanOrEqualTo(server.getEndTimeUnixNano());
        assertThat(receiver.serviceNames()).contains("tollgate-tracing-test");
    }

    @Test
    void aGrpcCallIsAServerSpanUnderTheCallersContext() {
        String traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
        try (io.tollgate.grpc.EnvoyClient client = new io.tollgate.grpc.EnvoyClient(sidecar.tollgate.grpcPort())) {
            client.shouldRateLimit(io.tollgate.grpc.EnvoyClient.request("tollgate",
                    io.tollgate.grpc.EnvoyClient.descriptor("user_id", "traced-grpc", "api_id", "traced-api")),
                    "00-" + traceId + "-" + CALLER_SPAN + "-01");
        }
        String method = "envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit";
        List<Span> spans = awaitSpans(s -> s.stream().anyMatch(x -> x.getName().equals(method))
                && s.stream().anyMatch(x -> hex(x.getTraceId()).equals(traceId) && x.getName().equals("tollgate decide acquire")));
        Span server = spans.stream().filter(x -> x.getName().equals(method)).findFirst().orElseThrow();
        assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(hex(server.getTraceId())).isEqualTo(traceId);
        assertThat(hex(server.getParentSpanId())).isEqualTo(CALLER_SPAN);
        assertThat(attribute(server, "rpc.system")).isEqualTo("grpc");
        Span decision = spans.stream().filter(x -> hex(x.getTraceId()).equals(traceId)
                && x.getName().equals("tollgate decide acquire")).findFirst().orElseThrow();
        assertThat(decision.getParentSpanId()).isEqualTo(server.getSpanId());
    }

    @Test
    void aRequestWithoutTraceparentStartsANewSampledTrace() {
        HttpResponse<String> res = sidecar.check("traced-user-2", "traced-api");
        String traceId = res.headers().firstValue("X-Trace-Id").orElseThrow();
        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo(TRACE_ID);
        assertThat(res.headers().firstValue("traceresponse").orElseThrow()).startsWith("00-" + traceId + "-");
        List<Span> spans = awaitSpans(s -> s.stream().anyMatch(x -> hex(x.getTraceId()).equals(traceId)
                && x.getKind() == Span.SpanKind.SPAN_KIND_SERVER));
        Span server = spans.stream().filter(x -> hex(x.getTraceId()).equals(traceId)
                && x.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
        assertThat(server.getParentSpanId()).isEqualTo(ByteString.EMPTY);
    }

    private static Optional<Span> server(List<Span> spans) {
        return spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                && s.getName().equals("POST /api/rate-limits/acquire")).findFirst();
    }

    private static Optional<Span> decision(List<Span> spans) {
        return spans.stream().filter(s -> s.getName().equals("tollgate decide acquire")
                && hex(s.getTraceId()).equals(TRACE_ID)).findFirst();
    }

    private static List<Span> awaitSpans(java.util.function.Predicate<List<Span>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<Span> spans = receiver.spans();
            if (done.test(spans)) {
                return spans;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spans not received in time; got " + spans.stream().map(Span::getName).toList());
            }
            TestSidecar.sleep(100);
        }
    }

    private static String attribute(Span span, String key) {
        return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(KeyValue::getValue)
                .map(v -> v.getStringValue()).findFirst().orElse(null);
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }
}
