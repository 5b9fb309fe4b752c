package io.tollgate.http;

import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document (app/src/main/resources/openapi.yaml, served at GET /openapi) against the running
 * sidecar's routing: every route served is documented and every documented route is served. The routes are
 * collected by replaying each mounted HttpService's {@code routing} into a recorder, so a route added to a
 * service without its document entry fails here. The document also passes @readme/openapi-parser (npm, run
 * with node; installed with {@code npm ci} into target/openapi-validator on first use).
 */
class OpenApiDocumentTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    /** Served by the observe feature beside the mounted services (Tollgate#mounts says so). */
    private static final Set<String> OBSERVE_ROUTES = Set.of("GET /metrics", "GET /api/events");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyRouteServedIsDocumentedAndEveryDocumentedRouteIsServed() {
        Set<String> served = new TreeSet<>(OBSERVE_ROUTES);
        SIDECAR.tollgate().mounts().forEach((prefix, service) -> service.routing(new RouteRecorder(prefix, served)));
        assertThat(served).as("the recorder found the decision route").contains("POST /api/rate-limits/acquire");
        Set<String> documented = documentedRoutes();
        assertThat(documented).as("documented but not served").isSubsetOf(served);
        assertThat(served).as("served but not documented").isSubsetOf(documented);
    }

    @Test
    void theObserveRoutesAreServed() {
        assertThat(SIDECAR.get("/metrics").status()).isEqualTo(200);
    }

    @Test
    void theDocumentIsServedAtOpenapi() throws IOException {
        Reply r = SIDECAR.get("/openapi");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type").orElseThrow()).startsWith("application/yaml");
        assertThat(r.text()).isEqualTo(resource());
    }

    @Test
    void theDocumentPassesAnOpenApiValidator() throws Exception {
        Path home = Path.of("target/openapi-validator");
        Files.createDirectories(home);
        for (String f : new String[] {"package.json", "package-lock.json", "validate.mjs"}) {
            Files.copy(Path.of("src/test/openapi").resolve(f), home.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(home.resolve("node_modules/@readme/openapi-parser"))) {
            run(home, "npm", "ci", "--no-audit", "--no-fund");
        }
        String out = run(home, "node", "validate.mjs", Path.of("src/main/resources/openapi.yaml").toAbsolutePath().toString());
        assertThat(out).startsWith("valid");
        Map<String, Object> doc = new Yaml().load(resource());
        assertThat(doc.get("openapi")).isEqualTo("3.1.0");
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + log);
        }
        return log;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> documentedRoutes() {
        Map<String, Object> doc = new Yaml().load(resource());
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> routes = new TreeSet<>();
        paths.forEach((path, item) -> item.keySet().stream().filter(METHODS::contains)
                .forEach(m -> routes.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path)));
        return routes;
    }

    private static String resource() {
        try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Records "METHOD /full/path" for every route a service declares; handlers without a path (filters such as
     * AdminAuth) are not routes. Anything this recorder does not understand fails the test rather than being missed.
     */
    private static final class RouteRecorder implements HttpRules {
        private final String prefix;
        private final Set<String> routes;

        RouteRecorder(String prefix, Set<String> routes) {
            this.prefix = prefix.equals("/") ? "" : prefix;
            this.routes = routes;
        }

        private HttpRules add(String method, String path) {
            String full = prefix + (path.equals("/") ? "" : path);
            routes.add(method + " " + (full.isEmpty() ? "/" : full));
            return this;
        }

        @Override
        public HttpRules register(HttpService... services) {
            for (HttpService s : services) {
                s.routing(this);
            }
            return this;
        }

        @Override
        public HttpRules register(String path, HttpService... services) {
            for (HttpService s : services) {
                s.routing(new RouteRecorder(prefix + path, routes));
            }
            return this;
        }

        @Override
        public HttpRules register(String path, Supplier<? extends HttpService> service) {
            return register(path, service.get());
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new AssertionError("a route the recorder cannot read: " + route);
        }

        @Override
        public HttpRules route(Method method, String path, Handler handler) {
            return add(method.text(), path);
        }

        @Override
        public HttpRules route(Method method, PathMatcher matcher, Handler handler) {
            throw new AssertionError("a path matcher the recorder cannot read: " + matcher);
        }

        @Override
        public HttpRules get(String path, Handler... handlers) {
            return add("GET", path);
        }

        @Override
        public HttpRules post(String path, Handler... handlers) {
            return add("POST", path);
        }

        @Override
        public HttpRules put(String path, Handler... handlers) {
            return add("PUT", path);
        }

        @Override
        public HttpRules delete(String path, Handler... handlers) {
            return add("DELETE", path);
        }

        @Override
        public HttpRules patch(String path, Handler... handlers) {
            return add("PATCH", path);
        }

        @Override
        public HttpRules head(String path, Handler... handlers) {
            return add("HEAD", path);
        }

        @Override
        public HttpRules options(String path, Handler... handlers) {
            return add("OPTIONS", path);
        }

        @Override
        public HttpRules any(String path, Handler... handlers) {
            throw new AssertionError("a route for any method at " + path + " cannot be documented method by method");
        }

        @Override
        public HttpRules any(Handler... handlers) {
            return this; // a filter of every route of the service (AdminAuth)
        }
    }
}
