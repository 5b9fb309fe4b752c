package io.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The sidecar's HTTP API as the CLI calls it: one base URL, the admin token as a bearer token when there is one,
 * JSON in and out. A refusal (any status from 400 up) becomes {@link Refused} with the server's message; a sidecar
 * that cannot be reached becomes {@link Unreachable}.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The server answered with an error status; {@code message} is its own. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Nothing answered at the URL. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** The admin listener (paths under /admin) and the decision listener (everything else). */
    private final URI base;
    private final URI apiBase;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(String baseUrl, String apiUrl, String token) {
        this.base = uri("--url", baseUrl);
        this.apiBase = uri("--api-url", apiUrl);
        this.token = token;
    }

    private static URI uri(String option, String url) {
        String b = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI u;
        try {
            u = URI.create(b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " is not a URL: " + url);
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException(option + " must be an http(s) URL such as http://127.0.0.1:9901");
        }
        return u;
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode send(String method, String path, Object body) {
        HttpRequest.Builder b = request(path).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json(body)));
        HttpResponse<String> r = exchange(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = parse(r.body());
        if (r.statusCode() >= 400) {
            throw refused(r.statusCode(), parsed, r.body());
        }
        return parsed;
    }

    /** A decision: 429 and 503 answers carry a decision body and are answers, not refusals. */
    JsonNode decide(String path, Object body) {
        HttpRequest req = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))).build();
        HttpResponse<String> r = exchange(req, HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = parse(r.body());
        if (r.statusCode() >= 400 && (parsed == null || !parsed.has("allowed"))) {
            throw refused(r.statusCode(), parsed, r.body());
        }
        return parsed;
    }

    /** Copies a streamed answer (the ledger export) to {@code out} as it arrives. */
    void stream(String path, OutputStream out) {
        HttpResponse<InputStream> r = exchange(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() >= 400) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                throw refused(r.statusCode(), parse(text), text);
            }
            in.transferTo(out);
            out.flush();
        } catch (IOException e) {
            throw new Unreachable("the answer from " + base + " broke off: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        URI listener = path.startsWith("/admin") ? base : apiBase;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(listener + path)).timeout(Duration.ofSeconds(60));
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (IOException e) {
            throw new Unreachable("no sidecar answered at " + base + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for " + base);
        }
    }

    private static Refused refused(int status, JsonNode body, String raw) {
        String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : raw;
        String field = body != null && body.hasNonNull("field") ? " (" + body.get("field").asText() + ")" : "";
        return new Refused(status, status + field + ": " + message);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
