package io.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.config.Settings;
import io.tollgate.webhook.OutboxRepository;
import io.tollgate.webhook.OutboxRepository.Endpoint;
import io.tollgate.webhook.TargetPolicy;
import io.tollgate.webhook.WebhookEvents;
import io.tollgate.webhook.WebhookSigner;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * /admin/webhooks: endpoints (register, list, read, change, pause, resume, rotate the secret, delete), their
 * deliveries, a manual retry and a test ping. Bearer token required. The signing secret is shown once, in the
 * answer that creates or rotates it.
 */
public final class WebhookService implements HttpService {
    private static final Set<String> SETTABLE_STATUS = Set.of("active", "paused");
    private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
    private static final Duration MAX_OVERLAP = Duration.ofDays(7);

    private final OutboxRepository outbox;
    private final TargetPolicy targets;
    private final Runnable subscriptionsChanged;
    private final BearerToken token;
    private final int maxBodyBytes;

    public WebhookService(OutboxRepository outbox, TargetPolicy targets, Runnable subscriptionsChanged, BearerToken token,
                          int maxBodyBytes) {
        this.outbox = outbox;
        this.targets = targets;
        this.subscriptionsChanged = subscriptionsChanged;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(new AdminAuth(token))
                .post("/", this::create)
                .get("/", (req, res) -> Json.send(res, 200,
                        Map.of("webhooks", outbox.list().stream().map(WebhookService::json).toList())))
                .get("/{id}", (req, res) -> Json.send(res, 200, json(endpoint(req))))
                .patch("/{id}", this::change)
                .delete("/{id}", this::delete)
                .get("/{id}/deliveries", this::deliveries)
                .post("/{id}/deliveries/{delivery_id}/retry", this::retry)
                .post("/{id}/test", this::ping);
    }

    private void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req, maxBodyBytes);
        String url = url(Json.text(body, "url", null));
        List<String> events = events(body.get("events"), true);
        String description = description(body);
        String secret = WebhookSigner.newSecret();
        Endpoint e = outbox.create(url, events, description == null ? "" : description, secret);
        subscriptionsChanged.run();
        Map<String, Object> out = json(e);
        out.put("secret", secret);
        Json.send(res, 201, out);
    }

    private void change(ServerRequest req, ServerResponse res) {
        String id = endpoint(req).id();
        ObjectNode body = Json.body(req, maxBodyBytes);
        String url = body.hasNonNull("url") ? url(Json.text(body, "url", null)) : null;
        List<String> events = body.hasNonNull("events") ? events(body.get("events"), true) : null;
        String status = null;
        if (body.hasNonNull("status")) {
            status = Json.text(body, "status", null);
            if (!SETTABLE_STATUS.contains(status)) {
                throw BadRequest.field("status", "status must be 'active' or 'paused'");
            }
        }
        String secret = null;
        if (body.path("rotate_secret").asBoolean(false)) {
            Duration overlap = overlap(body);
            secret = WebhookSigner.newSecret();
            outbox.rotate(id, secret, overlap);
        }
        Endpoint e = outbox.update(id, url, events, description(body), status).orElseThrow(() -> notFound(id));
        subscriptionsChanged.run();
        Map<String, Object> out = json(e);
        if (secret != null) {
            out.put("secret", secret);
        }
        Json.send(res, 200, out);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = idOf(req);
        if (!outbox.delete(id)) {
            throw notFound(id);
        }
        subscriptionsChanged.run();
        res.status(204).send();
    }

    private void deliveries(ServerRequest req, ServerResponse res) {
        String id = endpoint(req).id();
        String state = req.query().first("state").orElse(null);
        if (state != null && !Set.of("pending", "delivered", "dead").contains(state)) {
            throw BadRequest.field("state", "state must be pending, delivered or dead");
        }
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("100"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 1000) {
            throw BadRequest.field("limit", "limit must be 1..1000");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (OutboxRepository.Delivery d : outbox.deliveries(id, state, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("message_id", d.messageId());
            m.put("type", d.type());
            m.put("state", d.state());
            m.put("attempts", d.attempts());
            m.put("last_status", d.lastStatus());
            m.put("last_error", d.lastError());
            m.put("last_attempt_at", text(d.lastAttemptAt()));
            m.put("next_attempt_at", text(d.nextAttemptAt()));
            m.put("delivered_at", text(d.deliveredAt()));
            m.put("created_at", text(d.createdAt()));
            out.add(m);
        }
        Json.send(res, 200, Map.of("deliveries", out));
    }

    private void retry(ServerRequest req, ServerResponse res) {
        String id = idOf(req);
        long delivery;
        try {
            delivery = Long.parseLong(req.path().pathParameters().get("delivery_id"));
        } catch (NumberFormatException e) {
            throw BadRequest.field("delivery_id", "delivery_id must be a number");
        }
        if (!outbox.retry(id, delivery)) {
            throw new BadRequest(404, "delivery_id", "no delivery " + delivery + " for webhook " + id);
        }
        Json.send(res, 202, Map.of("id", delivery, "state", "pending"));
    }

    private void ping(ServerRequest req, ServerResponse res) {
        String id = idOf(req);
        Map<String, Object> made = outbox.ping(id, System.currentTimeMillis()).orElseThrow(() -> notFound(id));
        Json.send(res, 202, made);
    }

    private String url(String raw) {
        try {
            return targets.check(raw).toString();
        } catch (IllegalArgumentException e) {
            throw BadRequest.field("url", e.getMessage());
        }
    }

    private static List<String> events(JsonNode node, boolean required) {
        if (node == null || !node.isArray() || (required && node.isEmpty())) {
            throw BadRequest.field("events", "events must be a non-empty array of " + new TreeSet<>(WebhookEvents.TYPES));
        }
        Set<String> out = new TreeSet<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || !WebhookEvents.TYPES.contains(n.asText())) {
                throw BadRequest.field("events", "unknown event type " + n + "; known: " + new TreeSet<>(WebhookEvents.TYPES));
            }
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static String description(ObjectNode body) {
        if (!body.hasNonNull("description")) {
            return null;
        }
        String d = Json.text(body, "description", null);
        if (d.length() > 1000) {
            throw BadRequest.field("description", "description must be at most 1000 characters");
        }
        return d;
    }

    private static Duration overlap(ObjectNode body) {
        if (!body.hasNonNull("overlap")) {
            return DEFAULT_OVERLAP;
        }
        try {
            Duration d = Settings.parseDuration(Json.text(body, "overlap", null));
            if (!d.isNegative() && d.compareTo(MAX_OVERLAP) <= 0) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw BadRequest.field("overlap", "overlap must be a duration such as 24h, from 0s to 7d");
    }

    private Endpoint endpoint(ServerRequest req) {
        String id = idOf(req);
        return outbox.find(id).orElseThrow(() -> notFound(id));
    }

    private static String idOf(ServerRequest req) {
        return Json.checkId("id", req.path().pathParameters().get("id"));
    }

    private static BadRequest notFound(String id) {
        return new BadRequest(404, "id", "no webhook " + id);
    }

    private static Map<String, Object> json(Endpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("url", e.url());
        m.put("events", e.events());
        m.put("description", e.description());
        m.put("status", e.status());
        m.put("created_at", text(e.createdAt()));
        m.put("updated_at", text(e.updatedAt()));
        m.put("previous_secret_until", text(e.previousSecretUntil()));
        return m;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }
}
