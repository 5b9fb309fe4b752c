package io.tollgate.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The webhook tables (migrations/sql/V4__webhooks.sql): endpoints, the outbox of events, and one delivery row
 * per event and endpoint. Times that decide delivery (leases, next attempts) are the database's clock, so
 * every member agrees on them.
 */
public final class OutboxRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;

    public OutboxRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** An event to write: {@code dedupeKey} (nullable) keeps it at most once in the outbox, ever. */
    public record OutboxEvent(String type, String dedupeKey, Map<String, Object> data, long atMillis) {
    }

    public record Endpoint(String id, String url, List<String> events, String description, String status,
                           Instant createdAt, Instant updatedAt, Instant previousSecretUntil) {
    }

    /** A leased delivery, with what its attempt needs. */
    record Attempt(long deliveryId, String endpointId, int attemptsBefore, String messageId, String body, String url,
                   List<String> secrets) {
    }

    public record Delivery(long id, String messageId, String type, String state, int attempts, Integer lastStatus,
                           String lastError, Instant lastAttemptAt, Instant nextAttemptAt, Instant deliveredAt,
                           Instant createdAt) {
    }

    // ---- the outbox ----

    /**
     * Writes events on {@code h} (so they commit with the caller's transaction), each with one delivery per
     * endpoint subscribed to its type. An event no endpoint subscribes to, or whose dedupe key is already in
     * the outbox, is not written.
     */
    public static int insert(Handle h, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        int n = events.size();
        String[] ids = new String[n];
        String[] types = new String[n];
        String[] bodies = new String[n];
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            OutboxEvent e = events.get(i);
            ids[i] = newMessageId();
            types[i] = e.type();
            bodies[i] = body(e);
            keys[i] = e.dedupeKey();
        }
        return h.createUpdate("""
                        WITH ev AS (
                            INSERT INTO webhook_event (message_id, type, body, dedupe_key)
                            SELECT m, t, b, k FROM unnest(:m, :t, :b, :k) WITH ORDINALITY AS x(m, t, b, k, o)
                            WHERE EXISTS (SELECT 1 FROM webhook_endpoint e WHERE x.t = ANY (e.events))
                            ORDER BY o
                            ON CONFLICT DO NOTHING
                            RETURNING id, type)
                        INSERT INTO webhook_delivery (event_id, endpoint_id)
                        SELECT ev.id, e.id FROM ev JOIN webhook_endpoint e ON ev.type = ANY (e.events)""")
                .bindArray("m", String.class, Arrays.asList(ids)).bindArray("t", String.class, Arrays.asList(types))
                .bindArray("b", String.class, Arrays.asList(bodies)).bindArray("k", String.class, Arrays.asList(keys))
                .execute();
    }

    public int insert(List<OutboxEvent> events) {
        return jdbi.inTransaction(h -> insert(h, events));
    }

    /** Event types some endpoint subscribes to (paused and disabled ones too: their deliveries wait). */
    public Set<String> subscribedTypes() {
        return jdbi.withHandle(h -> new TreeSet<>(h.createQuery("SELECT DISTINCT unnest(events) FROM webhook_endpoint")
                .mapTo(String.class).list()));
    }

    /** A test event for one endpoint; returns its delivery's id and message id. */
    public Optional<Map<String, Object>> ping(String endpointId, long atMillis) {
        OutboxEvent e = new OutboxEvent(WebhookEvents.PING, null, Map.of("endpoint_id", endpointId), atMillis);
        String messageId = newMessageId();
        return jdbi.inTransaction(h -> h.createQuery("""
                        WITH ev AS (
                            INSERT INTO webhook_event (message_id, type, body)
                            SELECT :m, :t, :b WHERE EXISTS (SELECT 1 FROM webhook_endpoint WHERE id = :ep)
                            RETURNING id)
                        INSERT INTO webhook_delivery (event_id, endpoint_id) SELECT ev.id, :ep FROM ev RETURNING id""")
                .bind("m", messageId).bind("t", e.type()).bind("b", body(e)).bind("ep", endpointId)
                .mapTo(Long.class).findOne()
                .map(id -> Map.<String, Object>of("delivery_id", id, "message_id", messageId)));
    }

    static String newMessageId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "msg_" + HexFormat.of().formatHex(b);
    }

    /** The body as the Standard Webhooks specification shapes it: {@code type}, {@code timestamp}, {@code data}. */
    static String body(OutboxEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type());
        m.put("timestamp", Instant.ofEpochMilli(e.atMillis()).toString());
        m.put("data", e.data());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("event not serialisable: " + e, ex);
        }
    }

    // ---- deliveries ----

    /**
     * Leases up to {@code max} due deliveries of active endpoints to {@code owner} for {@code lease}; rows
     * another member leases are skipped, not waited for. A lease that ran out (its member died mid-attempt) is
     * taken over.
     */
    List<Attempt> claim(String owner, int max, Duration lease) {
        return jdbi.inTransaction(h -> h.createQuery("""
                        WITH claimed AS (
                            UPDATE webhook_delivery d SET lease_owner = :owner,
                                lease_until = now() + :lease * interval '1 millisecond'
                            WHERE d.id IN (
                                SELECT d2.id FROM webhook_delivery d2 JOIN webhook_endpoint e ON e.id = d2.endpoint_id
                                WHERE d2.state = 'pending' AND d2.next_attempt_at <= now() AND e.status = 'active'
                                  AND (d2.lease_until IS NULL OR d2.lease_until < now())
                                ORDER BY d2.next_attempt_at LIMIT :max
                                FOR UPDATE OF d2 SKIP LOCKED)
                            RETURNING d.id, d.event_id, d.endpoint_id, d.attempts)
                        SELECT c.id, c.endpoint_id, c.attempts, ev.message_id, ev.body, e.url, e.secret,
                               CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END
                        FROM claimed c JOIN webhook_event ev ON ev.id = c.event_id JOIN webhook_endpoint e ON e.id = c.endpoint_id
                        ORDER BY c.id""")
                .bind("owner", owner).bind("lease", lease.toMillis()).bind("max", max)
                .map((rs, ctx) -> {
                    List<String> secrets = new ArrayList<>(2);
                    secrets.add(rs.getString(7));
                    if (rs.getString(8) != null) {
                        secrets.add(rs.getString(8));
                    }
                    return new Attempt(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), secrets);
                })
                .list());
    }

    void delivered(long deliveryId, int status) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE webhook_delivery SET state = 'delivered', attempts = attempts + 1, last_status = :s,
                            last_error = NULL, last_attempt_at = now(), delivered_at = now(), lease_owner = NULL, lease_until = NULL
                        WHERE id = :id AND state = 'pending'""")
                .bind("id", deliveryId).bind("s", status).execute());
    }

    /** A failed attempt: retried after {@code retryAfter}, or dead when it is null. */
    void failed(long deliveryId, Integer status, String error, Duration retryAfter) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE webhook_delivery SET attempts = attempts + 1, last_status = :s, last_error = :e,
                            last_attempt_at = now(), lease_owner = NULL, lease_until = NULL,
                            state = CASE WHEN :dead THEN 'dead' ELSE 'pending' END,
                            next_attempt_at = CASE WHEN :dead THEN next_attempt_at ELSE now() + :wait * interval '1 millisecond' END
                        WHERE id = :id AND state = 'pending'""")
                .bind("id", deliveryId).bind("s", status).bind("e", error)
                .bind("dead", retryAfter == null).bind("wait", retryAfter == null ? 0 : retryAfter.toMillis())
                .execute());
    }

    /**
     * The receiver answered 410: the endpoint is disabled and the delivery waits, with every other one of the
     * endpoint, until an admin activates it again.
     */
    void gone(long deliveryId, String endpointId, int status) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE webhook_delivery SET attempts = attempts + 1, last_status = :s,
                                last_error = 'the receiver answered 410 Gone: endpoint disabled', last_attempt_at = now(),
                                lease_owner = NULL, lease_until = NULL
                            WHERE id = :id AND state = 'pending'""")
                    .bind("id", deliveryId).bind("s", status).execute();
            h.createUpdate("UPDATE webhook_endpoint SET status = 'disabled', updated_at = now() WHERE id = :ep")
                    .bind("ep", endpointId).execute();
        });
    }

    /** Pending deliveries in the whole outbox and the age of the oldest one's event (database clock). */
    DeliveryListener.Backlog backlog() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*), coalesce(extract(epoch FROM now() - min(ev.created_at)), 0)
                        FROM webhook_delivery d JOIN webhook_event ev ON ev.id = d.event_id WHERE d.state = 'pending'""")
                .map((rs, ctx) -> new DeliveryListener.Backlog(rs.getLong(1), rs.getDouble(2))).one());
    }

    public List<Delivery> deliveries(String endpointId, String state, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT d.id, ev.message_id, ev.type, d.state, d.attempts, d.last_status, d.last_error,
                               d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.created_at
                        FROM webhook_delivery d JOIN webhook_event ev ON ev.id = d.event_id
                        WHERE d.endpoint_id = :ep AND (:state::text IS NULL OR d.state = :state)
                        ORDER BY d.id DESC LIMIT :limit""")
                .bind("ep", endpointId).bind("state", state).bind("limit", limit)
                .map((rs, ctx) -> new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), (Integer) rs.getObject(6), rs.getString(7), instant(rs, 8),
                        "pending".equals(rs.getString(4)) ? instant(rs, 9) : null, instant(rs, 10), instant(rs, 11)))
                .list());
    }

    /** Makes a delivery due now (one more attempt for a dead one); false when there is no such delivery. */
    public boolean retry(String endpointId, long deliveryId) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE webhook_delivery SET state = 'pending', next_attempt_at = now(), lease_owner = NULL,
                            lease_until = NULL
                        WHERE id = :id AND endpoint_id = :ep AND state <> 'delivered'""")
                .bind("id", deliveryId).bind("ep", endpointId).execute()) == 1
                || deliveryExists(endpointId, deliveryId);
    }

    private boolean deliveryExists(String endpointId, long deliveryId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM webhook_delivery WHERE id = :id AND endpoint_id = :ep")
                .bind("id", deliveryId).bind("ep", endpointId).mapTo(Long.class).one()) > 0;
    }

    // ---- endpoints ----

    public Endpoint create(String url, List<String> events, String description, String secret) {
        byte[] b = new byte[10];
        RANDOM.nextBytes(b);
        String id = "ep_" + HexFormat.of().formatHex(b);
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO webhook_endpoint (id, url, events, description, secret) VALUES (:id, :url, :ev, :d, :s)""")
                .bind("id", id).bind("url", url).bindArray("ev", String.class, events).bind("d", description)
                .bind("s", secret).execute());
        return find(id).orElseThrow();
    }

    public List<Endpoint> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT_ENDPOINT + " ORDER BY created_at, id")
                .map((rs, ctx) -> endpoint(rs)).list());
    }

    public Optional<Endpoint> find(String id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT_ENDPOINT + " WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> endpoint(rs)).findOne());
    }

    /** Changes what is given (nulls stay); returns the endpoint after, empty when there is none. */
    public Optional<Endpoint> update(String id, String url, List<String> events, String description, String status) {
        int n = jdbi.withHandle(h -> {
            var update = h.createUpdate("""
                            UPDATE webhook_endpoint SET url = coalesce(:url, url), events = coalesce(:ev, events),
                                description = coalesce(:d, description), status = coalesce(:st, status), updated_at = now()
                            WHERE id = :id""")
                    .bind("id", id).bind("url", url).bind("d", description).bind("st", status);
            if (events == null) {
                update.bindNull("ev", java.sql.Types.ARRAY);
            } else {
                update.bindArray("ev", String.class, events);
            }
            return update.execute();
        });
        return n == 0 ? Optional.empty() : find(id);
    }

    /** A new secret; the old one keeps signing beside it for {@code overlap}. */
    public boolean rotate(String id, String newSecret, Duration overlap) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE webhook_endpoint SET previous_secret = secret, secret = :s,
                            previous_secret_until = now() + :o * interval '1 millisecond', updated_at = now()
                        WHERE id = :id""")
                .bind("id", id).bind("s", newSecret).bind("o", overlap.toMillis()).execute()) == 1;
    }

    /** Deletes the endpoint with its deliveries. */
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM webhook_endpoint WHERE id = :id").bind("id", id).execute()) == 1;
    }

    private static final String SELECT_ENDPOINT = """
            SELECT id, url, events, description, status, created_at, updated_at,
                   CASE WHEN previous_secret_until > now() THEN previous_secret_until END FROM webhook_endpoint""";

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        Array events = rs.getArray(3);
        return new Endpoint(rs.getString(1), rs.getString(2), List.of((String[]) events.getArray()), rs.getString(4),
                rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
