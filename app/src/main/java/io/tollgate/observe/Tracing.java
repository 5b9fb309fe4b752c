package io.tollgate.observe;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK, configured by the standard variables: {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER}, {@code OTEL_SDK_DISABLED} ... (or the matching
 * system properties, {@code otel.exporter.otlp.endpoint} etc., which win over the environment).
 *
 * <p>Tracing is on only when an OTLP endpoint (or an explicit traces exporter) is configured and the SDK
 * is not disabled. Off, {@link #enabled()} is false and the tracer is OpenTelemetry's no-op: the
 * filters and helpers test {@link #enabled()} first and skip span work entirely, so the acquire path
 * pays a volatile read and a branch.
 *
 * <p>Defaults Tollgate adds under the user's settings: service name {@code tollgate}, OTLP over
 * HTTP/protobuf, and no OTel metrics or logs export (metrics are scraped from /metrics). The SDK is
 * not made global, so several sidecars in one JVM (tests) each have their own.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());
    static final String INSTRUMENTATION = "io.tollgate";

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final boolean enabled;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.enabled = sdk != null;
        this.tracer = sdk != null ? sdk.getTracer(INSTRUMENTATION) : OpenTelemetry.noop().getTracer(INSTRUMENTATION);
    }

    public static Tracing off() {
        return new Tracing(null);
    }

    /** From this process's system properties and environment. */
    public static Tracing fromEnvironment() {
        return from(key -> {
            String v = System.getProperty(key);
            return v != null ? v : System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        });
    }

    /** @param setting an {@code otel.*} key to its value (or null when unset) */
    static Tracing from(Function<String, String> setting) {
        if (!wanted(setting)) {
            LOG.fine("tracing off: no OTLP endpoint configured, or OTEL_SDK_DISABLED=true");
            return off();
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "tollgate",
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        LOG.info("tracing on: exporting spans with OpenTelemetry (" + describe(setting) + ")");
        return new Tracing(sdk);
    }

    static boolean wanted(Function<String, String> setting) {
        if ("true".equalsIgnoreCase(trim(setting.apply("otel.sdk.disabled")))) {
            return false;
        }
        String exporter = trim(setting.apply("otel.traces.exporter"));
        if (!exporter.isEmpty()) {
            return !exporter.equalsIgnoreCase("none");
        }
        return !trim(setting.apply("otel.exporter.otlp.endpoint")).isEmpty()
                || !trim(setting.apply("otel.exporter.otlp.traces.endpoint")).isEmpty();
    }

    private static String describe(Function<String, String> setting) {
        String endpoint = trim(setting.apply("otel.exporter.otlp.traces.endpoint"));
        if (endpoint.isEmpty()) {
            endpoint = trim(setting.apply("otel.exporter.otlp.endpoint"));
        }
        return "endpoint " + (endpoint.isEmpty() ? "default" : endpoint);
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }

    public boolean enabled() {
        return enabled;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Exports what is buffered now (tests; shutdown does it too). */
    public void flush() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
