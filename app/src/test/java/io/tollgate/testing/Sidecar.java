package io.tollgate.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.Tollgate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** One sidecar started in this JVM on free ports, with a tiny JSON client over real HTTP. */
public final class Sidecar implements AutoCloseable {
    public static final String TOKEN = "test-admin-token-of-at-least-32-characters";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Tollgate tollgate;

    public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Sidecar(Tollgate tollgate) {
        this.tollgate = tollgate;
    }

    public static Sidecar start(String dbUrl, Map<String, String> extra) {
        return new Sidecar(SidecarSettings.forDatabase(dbUrl)
                .adminToken(TOKEN)
                // Tests await ledger totals: a flush every 200 ms (1 s in production) keeps those waits short.
                .set("tollgate.ledger.flush-interval", "200ms")
                .setAll(extra)
                .start());
    }

    public Tollgate tollgate() {
        return tollgate;
    }

    public Reply post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), false);
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), false);
    }

    public Reply admin(String method, String path, String body) {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").method(method, p), true);
    }

    public Reply acquire(String user, String api) {
        return post("/api/rate-limits/acquire", "{\"user_id\":\"" + user + "\",\"api_id\":\"" + api + "\"}");
    }

    private URI uri(String path) {
        // The admin API has a listener of its own.
        int port = path.startsWith("/admin") ? tollgate.adminPort() : tollgate.port();
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Reply send(HttpRequest.Builder b, boolean admin) {
        if (admin) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> r = Http.send(HTTP, b.timeout(Duration.ofSeconds(30)).build());
        try {
            JsonNode body = r.body().isEmpty() ? null : JSON.readTree(r.body());
            return new Reply(r.statusCode(), body, r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tollgate.close();
    }
}
