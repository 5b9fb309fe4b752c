package io.tollgate.observe;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;
import java.util.Set;

/**
 * CORS for browser callers, from {@code tollgate.cors.allowed-origins} (comma-separated origins such as
 * {@code https://app.example.com}, or {@code *}). None by default: no CORS header is ever sent and a
 * preflight goes on to routing (which has no OPTIONS routes), so browsers refuse cross-origin calls.
 *
 * <p>For an allowed origin: the origin is echoed with {@code Vary: Origin}, the rate-limit and trace
 * headers are exposed to scripts, and a preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) is answered here with 204.
 */
final class CorsFilter implements Filter {
    private static final HeaderName ORIGIN = HeaderNames.ORIGIN;
    private static final HeaderName REQUEST_METHOD = HeaderNames.ACCESS_CONTROL_REQUEST_METHOD;
    private static final HeaderName VARY = HeaderNames.create("Vary");
    private static final String EXPOSED = "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, RateLimit, RateLimit-Policy, "
            + "X-Trace-Id, traceresponse, X-Tollgate-Failure-Policy";
    private static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, traceparent, tracestate";

    private final Set<String> origins;
    private final boolean any;

    CorsFilter(List<String> allowedOrigins) {
        this.any = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    static List<String> parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
    }

    boolean enabled() {
        return any || !origins.isEmpty();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!enabled()) {
            chain.proceed();
            return;
        }
        String origin = req.headers().first(ORIGIN).orElse(null);
        if (origin == null || !(any || origins.contains(origin))) {
            chain.proceed();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
        if (!any) {
            res.header(VARY, "Origin");
        }
        if (req.prologue().method() == Method.OPTIONS && req.headers().contains(REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(204).send();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        chain.proceed();
    }
}
