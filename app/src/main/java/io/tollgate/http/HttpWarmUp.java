package io.tollgate.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Sends read-only decision calls (checks) through the decision routes on a private loopback listener before the
 * sidecar opens its own port. A restarted sidecar used to answer its first second of calls from a cold JVM, at
 * 200-700 ms each on 2 shared cores, past the decision timeout (issue 5): those calls now go through the same
 * code paths here, where nobody waits for them. Checks count nothing and create no entry; each warm-up user
 * leaves only a cached default policy behind.
 */
public final class HttpWarmUp {
    private static final Logger LOG = Logger.getLogger(HttpWarmUp.class.getName());
    static final String USER_PREFIX = "tollgate-warm-up-";
    private static final int USERS = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpWarmUp() {
    }

    /**
     * Sends at most {@code maxCalls} checks, for at most {@code budget}; returns how many an owner decided (not the
     * failure policy).
     */
    public static int run(HttpService rateLimits, int maxCalls, Duration budget) {
        // No discovered features: Helidon's default observe feature would count these calls in its metrics.
        WebServer server = WebServer.builder().host("127.0.0.1").port(0).featuresDiscoverServices(false)
                .routing(r -> r.register("/api/rate-limits", rateLimits)).build().start();
        long deadline = System.nanoTime() + budget.toNanos();
        int decided = 0;
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(budget).build();
            URI check = URI.create("http://127.0.0.1:" + server.port() + "/api/rate-limits/check");
            for (int i = 0; i < maxCalls && System.nanoTime() < deadline; i++) {
                String body = "{\"user_id\":\"" + USER_PREFIX + (i % USERS) + "\",\"api_id\":\"" + USER_PREFIX + "api\"}";
                HttpRequest request = HttpRequest.newBuilder(check).timeout(budget)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && !JSON.readTree(answer.body()).path("outcome").asText().startsWith("failure_")) {
                    decided++;
                }
            }
        } catch (IOException e) {
            LOG.info("HTTP warm-up stopped early: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.stop();
        }
        return decided;
    }
}
