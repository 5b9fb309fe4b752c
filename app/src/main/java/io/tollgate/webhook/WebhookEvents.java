package io.tollgate.webhook;

import io.tollgate.ledger.FlushEvents;
import io.tollgate.ledger.LedgerRepository;

import io.tollgate.webhook.OutboxRepository.OutboxEvent;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes webhook events from where they happen and writes them to the outbox.
 *
 * <h2>Design note</h2>
 * <b>What runs where.</b> Denials, quota thresholds and member changes arrive through {@link EventSink} on
 * request threads, Hazelcast event threads and the collector. {@link #offer} never blocks and never touches
 * the database: it puts the event in a bounded in-memory queue (full: the event is dropped and counted) or,
 * for a denial, into its coalescing group. One platform thread, {@code tollgate-webhook-outbox}, drains the
 * queue into the outbox in batches of up to {@value #BATCH} events per transaction, and sends each denial
 * group when it closes. While PostgreSQL is down the thread keeps its batch and tries again every second;
 * the queue is the only buffer meanwhile. {@code usage_flushed} events bypass the queue: the ledger writes
 * them in its own flush transaction ({@link #applied}), so a flush and its event commit together.
 * <p><b>Once per cluster.</b> A quota threshold event carries the key (user, meter, period end, threshold) and
 * a member change the key (change, member uuid); the outbox keeps the first row per key, so the owners that
 * see a crossing (before and after a migration) or the three members that see a join write one event.
 * <p><b>Denials</b> are coalesced per user, API and what denied (scope and window, or the quota): the first
 * denial opens a group, later ones only count, and the group is sent as one {@code denial} event when the
 * window that denied resets (the first denial's retry-after), or after {@code tollgate.webhooks.denial-max-hold}
 * for longer windows, with the number of denials it stands for. Groups are per member: a user denied on two
 * members gives two events. At most {@value #MAX_GROUPS} open groups; beyond, denials are dropped and counted.
 * <p><b>A member that dies</b> loses what is still in its queue and its open denial groups. Member changes are
 * written by every member, and a threshold crossing is seen again by the new owner's scan of its entries, so
 * those still reach the outbox; denials in flight are lost. Events in the outbox survive any member.
 */
public final class WebhookEvents implements EventSink, FlushEvents, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookEvents.class.getName());
    public static final String DENIAL = "denial";
    public static final String QUOTA_THRESHOLD = "quota_threshold";
    public static final String MEMBER_CHANGE = "member_change";
    public static final String USAGE_FLUSHED = "usage_flushed";
    /** Sent only by the test route, to one endpoint. */
    public static final String PING = "ping";
    /** The types an endpoint may subscribe to. */
    public static final Set<String> TYPES = Set.of(DENIAL, QUOTA_THRESHOLD, MEMBER_CHANGE, USAGE_FLUSHED);
    static final int BATCH = 500;
    static final int MAX_GROUPS = 100_000;

    private final OutboxRepository outbox;
    private final DeliveryListener listener;
    private final long maxHoldMillis;
    private final BlockingQueue<OutboxEvent> queue;
    private final ConcurrentHashMap<String, DenialGroup> denials = new ConcurrentHashMap<>();
    private final Thread writer;
    private volatile Set<String> subscribed = Set.of();
    private volatile boolean closed;

    public WebhookEvents(OutboxRepository outbox, WebhookSettings settings, DeliveryListener listener) {
        this.outbox = outbox;
        this.listener = listener;
        this.maxHoldMillis = settings.denialMaxHold().toMillis();
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = Thread.ofPlatform().daemon().name("tollgate-webhook-outbox").start(this::run);
    }

    /** The event types endpoints subscribe to now (kept fresh by the dispatcher). */
    void subscriptions(Set<String> types) {
        this.subscribed = Set.copyOf(types);
    }

    @Override
    public boolean wants(String type) {
        return subscribed.contains(type);
    }

    @Override
    public boolean active() {
        return !subscribed.isEmpty();
    }

    @Override
    public void offer(String type, Map<String, Object> fields) {
        try {
            long now = System.currentTimeMillis();
            switch (type) {
                case DENIAL -> coalesce(fields, now);
                case QUOTA_THRESHOLD -> enqueue(new OutboxEvent(type, String.join(":", type, str(fields, "user_id"),
                        str(fields, "meter"), str(fields, "period_end"), str(fields, "threshold")), fields, now));
                case MEMBER_CHANGE -> enqueue(new OutboxEvent(type, String.join(":", type, str(fields, "change"),
                        str(fields, "member_uuid")), fields, now));
                default -> enqueue(new OutboxEvent(type, null, fields, now));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "webhook event not taken", e);
        }
    }

    private static String str(Map<String, Object> fields, String key) {
        return String.valueOf(fields.get(key));
    }

    private void enqueue(OutboxEvent e) {
        if (!queue.offer(e)) {
            listener.dropped("queue_full");
        }
    }

    private void coalesce(Map<String, Object> fields, long now) {
        String key = String.join("\n", str(fields, "user_id"), str(fields, "api_id"), str(fields, "outcome"),
                str(fields, "scope"), str(fields, "window"), str(fields, "quota"));
        if (denials.size() >= MAX_GROUPS && !denials.containsKey(key)) {
            listener.dropped("coalescer_full");
            return;
        }
        long cost = fields.get("cost") instanceof Number n ? n.longValue() : 1;
        denials.compute(key, (k, group) -> {
            if (group == null) {
                long retryAfter = fields.get("retry_after_ms") instanceof Number n ? n.longValue() : -1;
                long hold = retryAfter < 0 ? maxHoldMillis : Math.min(Math.max(retryAfter, 1000), maxHoldMillis);
                return new DenialGroup(fields, now, now + hold, cost);
            }
            group.add(now, cost);
            return group;
        });
    }

    /** {@code usage_flushed}: one event per user whose usage the flush added, with the period's new totals. */
    @Override
    public void applied(Handle h, List<LedgerRepository.Applied> fresh) {
        if (!wants(USAGE_FLUSHED)) {
            return;
        }
        long now = System.currentTimeMillis();
        List<OutboxEvent> events = new ArrayList<>(fresh.size());
        for (LedgerRepository.Applied a : fresh) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("user_id", a.batch().userId());
            data.put("period_start", Instant.ofEpochMilli(a.batch().periodStart()).toString());
            data.put("period_end", Instant.ofEpochMilli(a.batch().periodEnd()).toString());
            data.put("requests", a.periodTotal().requests());
            data.put("bandwidth_bytes", a.periodTotal().bytes());
            data.put("compute_ms", a.periodTotal().computeMs());
            events.add(new OutboxEvent(USAGE_FLUSHED, null, data, now));
        }
        OutboxRepository.insert(h, events);
    }

    private void run() {
        List<OutboxEvent> batch = new ArrayList<>();
        while (!closed) {
            try {
                if (batch.isEmpty()) {
                    OutboxEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        queue.drainTo(batch, BATCH - 1);
                    }
                    closeDueGroups(System.currentTimeMillis(), batch);
                }
                if (!batch.isEmpty()) {
                    outbox.insert(batch);
                    batch.clear();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "outbox write failed; the batch is kept and written again", e);
                sleep(1000);
            }
        }
    }

    private void closeDueGroups(long now, List<OutboxEvent> into) {
        for (Map.Entry<String, DenialGroup> e : denials.entrySet()) {
            DenialGroup g = e.getValue();
            if (g.releaseAt <= now && denials.remove(e.getKey(), g)) {
                into.add(g.event());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the writer; what is queued, and every open denial group, is written once more, best effort. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<OutboxEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        closeDueGroups(Long.MAX_VALUE, rest);
        try {
            for (int i = 0; i < rest.size(); i += BATCH) {
                outbox.insert(rest.subList(i, Math.min(rest.size(), i + BATCH)));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, rest.size() + " webhook events not written at stop", e);
        }
    }

    /** Denials of one user, API and limit, from the first until the group is sent; changed only inside compute. */
    private static final class DenialGroup {
        private final Map<String, Object> first;
        private final long firstAt;
        private final long releaseAt;
        private long lastAt;
        private long count = 1;
        private long cost;

        DenialGroup(Map<String, Object> first, long at, long releaseAt, long cost) {
            this.first = first;
            this.firstAt = at;
            this.lastAt = at;
            this.releaseAt = releaseAt;
            this.cost = cost;
        }

        void add(long at, long cost) {
            count++;
            this.cost += cost;
            lastAt = Math.max(lastAt, at);
        }

        OutboxEvent event() {
            Map<String, Object> data = new LinkedHashMap<>();
            for (String k : new String[] {"user_id", "api_id", "tier", "outcome", "scope", "window", "quota", "limit"}) {
                data.put(k, first.get(k));
            }
            data.put("denials", count);
            data.put("cost_denied", cost);
            data.put("first_denied_at", Instant.ofEpochMilli(firstAt).toString());
            data.put("last_denied_at", Instant.ofEpochMilli(lastAt).toString());
            return new OutboxEvent(DENIAL, null, data, lastAt);
        }
    }
}
