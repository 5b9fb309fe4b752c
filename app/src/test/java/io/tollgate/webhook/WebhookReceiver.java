package io.tollgate.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Node receiver of src/test/node (receiver.js) as a real process on a loopback port: it verifies every
 * delivery with the Standard Webhooks reference library ({@code standardwebhooks} on npm, installed with
 * {@code npm ci} into target/webhook-receiver on first use) and answers as the test tells it, per path.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE = Path.of("src/test/node");
    private static final Path HOME = Path.of("target/webhook-receiver");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process process;
    private final int port;

    private WebhookReceiver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized WebhookReceiver start() {
        try {
            install();
            Process p = new ProcessBuilder("node", "receiver.js").directory(HOME.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("RECEIVER READY ")) {
                p.destroyForcibly();
                throw new IllegalStateException("the Node receiver did not start: " + line);
            }
            return new WebhookReceiver(p, Integer.parseInt(line.substring("RECEIVER READY ".length()).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("node (Node.js 18 or later) is needed for the webhook tests", e);
        }
    }

    private static void install() throws IOException {
        Files.createDirectories(HOME);
        for (String f : new String[] {"package.json", "package-lock.json", "receiver.js"}) {
            Files.copy(SOURCE.resolve(f), HOME.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(HOME.resolve("node_modules/standardwebhooks"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(HOME.toFile())
                .redirectErrorStream(true).start();
        String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + HOME + " failed: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The URL of a path on this receiver. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Deliveries to {@code path} are verified with these secrets (any one may match). */
    public void secrets(String path, String... secrets) {
        control("/control/secrets", path, Map.of("secrets", List.of(secrets)));
    }

    /** {@code path} answers {@code status}, after {@code delayMs}. */
    public void answer(String path, int status, long delayMs) {
        control("/control/mode", path, Map.of("status", status, "delay_ms", delayMs));
    }

    /** {@code path} answers {@code status} with a Location header. */
    public void redirect(String path, int status, String location) {
        control("/control/mode", path, Map.of("status", status, "location", location));
    }

    /** Every delivery to {@code path}, oldest first. */
    public List<JsonNode> received(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url("/control/received?path=" + path))).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the deliveries to {@code path} satisfy {@code done}; returns them. */
    public List<JsonNode> await(String path, Duration within, Predicate<List<JsonNode>> done) {
        long deadline = System.nanoTime() + within.toNanos();
        List<JsonNode> last = received(path);
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("deliveries to " + path + " not as expected within " + within + ": " + last);
            }
            sleep(100);
            last = received(path);
        }
        return last;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void control(String route, String path, Map<String, ?> body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(route + "?path=" + path)))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 204) {
                throw new IllegalStateException(route + " answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
