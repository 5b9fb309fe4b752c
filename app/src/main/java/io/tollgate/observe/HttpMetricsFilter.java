package io.tollgate.observe;

import io.helidon.http.Method;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HTTP metrics by route template: requests by route, method and status; latency by route and method;
 * request and response body sizes by route.
 *
 * <p>The route is the pattern Helidon matched ({@code /api/rate-limits/{api_id}}), never the raw path,
 * so ids in paths do not become label values; a request no route matched is {@code other}. Meters are
 * looked up in per-route arrays after the first request, so a steady-state request allocates nothing
 * here beyond Helidon's own {@code Optional}s. Request size is the declared Content-Length (0 when
 * absent, e.g. chunked); response size is what the handler wrote.
 */
final class HttpMetricsFilter implements Filter {
    static final String OTHER_ROUTE = "other";
    private static final Method[] METHODS = {Method.GET, Method.POST, Method.PUT, Method.DELETE, Method.PATCH,
            Method.HEAD, Method.OPTIONS};
    private static final String[] METHOD_LABELS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OTHER"};
    private static final int STATUSES = 600;

    private final Meters meters;
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();

    HttpMetricsFilter(Meters meters) {
        this.meters = meters;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        int status = 500;
        try {
            chain.proceed();
            status = res.status().code();
        } finally {
            long nanos = System.nanoTime() - started;
            RouteMeters route = routes.computeIfAbsent(routeOf(req), RouteMeters::new);
            int m = methodIndex(req.prologue().method());
            route.requests(m, status).increment();
            route.duration(m).record(nanos, TimeUnit.NANOSECONDS);
            route.requestSize.record(req.headers().contentLength().orElse(0L));
            route.responseSize.record(res.bytesWritten());
        }
    }

    /** The matched route template without a trailing slash, or {@code other}. */
    static String routeOf(ServerRequest req) {
        String pattern = req.matchingPattern().orElse(null);
        if (pattern == null || pattern.isEmpty()) {
            return OTHER_ROUTE;
        }
        if (pattern.length() > 1 && pattern.endsWith("/")) {
            return pattern.substring(0, pattern.length() - 1);
        }
        return pattern;
    }

    private static int methodIndex(Method method) {
        for (int i = 0; i < METHODS.length; i++) {
            if (METHODS[i] == method || METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length;
    }

    /** The meters of one route, created on first use. */
    private final class RouteMeters {
        private final String route;
        private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(METHOD_LABELS.length * STATUSES);
        private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(METHOD_LABELS.length);
        private final DistributionSummary requestSize;
        private final DistributionSummary responseSize;

        RouteMeters(String route) {
            this.route = route;
            this.requestSize = meters.summary(MetricNames.HTTP_REQUEST_SIZE, "bytes", "route", route);
            this.responseSize = meters.summary(MetricNames.HTTP_RESPONSE_SIZE, "bytes", "route", route);
        }

        Counter requests(int method, int status) {
            int s = status >= 100 && status < STATUSES ? status : 0;
            int i = method * STATUSES + s;
            Counter c = requests.get(i);
            if (c == null) {
                c = meters.counter(MetricNames.HTTP_REQUESTS, "route", route, "method", METHOD_LABELS[method],
                        "status", Integer.toString(status));
                requests.set(i, c);
            }
            return c;
        }

        Timer duration(int method) {
            Timer t = durations.get(method);
            if (t == null) {
                t = meters.timer(MetricNames.HTTP_DURATION, Meters.LATENCY_BUCKETS, "route", route,
                        "method", METHOD_LABELS[method]);
                durations.set(method, t);
            }
            return t;
        }
    }
}
