package io.tollgate.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.metrics.api.Counter;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.tollgate.http.AllowedHosts;
import io.tollgate.http.BearerToken;
import io.tollgate.webhook.EventSink;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The WebSocket endpoint {@code /api/events}: every connected client receives each event as one JSON
 * text message. Clients send nothing (anything they send is ignored).
 *
 * <p>Design note. Events are produced on request threads (denials), Hazelcast event threads (member
 * changes) and the collector. Each connection has a bounded queue and one virtual thread that sends
 * from it, so a producer never blocks on a slow client and each session has a single writer; when a
 * queue is full the event is dropped for that client and counted. With no client connected,
 * {@link #publish} returns after one size check: nothing is serialised. Events are also handed, as maps, to
 * the webhooks' {@link EventSink} while it wants their type; the sink takes them without blocking.
 *
 * <p>Who may connect: the upgrade request must name an allowed Host and carry the events token
 * ({@code tollgate.events.token}, else the admin token) as {@code Authorization: Bearer}; with neither token set
 * the stream is closed. At most {@code tollgate.events.max-clients} clients are connected at once (each holds a
 * queue and a thread); one more is refused at its upgrade. The WebSocket upgrade does not pass the HTTP filters,
 * so these checks live here, in {@link #onHttpUpgrade}.
 */
final class EventStream implements WsListener {
    private static final Logger LOG = Logger.getLogger(EventStream.class.getName());
    static final String DENIAL = "denial";
    static final String QUOTA_THRESHOLD = "quota_threshold";
    static final String MEMBER_CHANGE = "member_change";
    static final String HELLO = "hello";
    private static final int QUEUE = 1024;

    private final ObjectMapper json = new ObjectMapper();
    private final ConcurrentHashMap<WsSession, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Meters meters;
    private final Counter dropped;
    private final String member;
    private volatile EventSink sink = EventSink.NONE;
    private volatile boolean closed;

    private final AllowedHosts hosts;
    private final BearerToken token;
    private final int maxClients;

    EventStream(Meters meters, String member, AllowedHosts hosts, BearerToken token, int maxClients) {
        this.hosts = hosts;
        this.token = token;
        this.maxClients = maxClients;
        this.meters = meters;
        this.member = member;
        this.dropped = meters.counter(MetricNames.EVENTS_DROPPED);
        for (String type : new String[] {DENIAL, QUOTA_THRESHOLD, MEMBER_CHANGE}) {
            sent(type);
        }
        meters.gauge(MetricNames.EVENTS_CONNECTIONS, connections::size);
    }

    /** Whether anyone wants events now: a WebSocket client, or the webhooks' sink. */
    boolean hasListeners() {
        return !connections.isEmpty() || sink.active();
    }

    /** Events also go to {@code sink} (the webhooks' outbox) while it wants them. */
    void sink(EventSink sink) {
        this.sink = sink;
    }

    int connections() {
        return connections.size();
    }

    /** Sends {@code fields} (plus {@code type}, {@code member} and {@code at}) to every client. */
    void publish(String type, Map<String, Object> fields) {
        EventSink s = sink;
        if (s.wants(type)) {
            s.offer(type, fields);
        }
        if (connections.isEmpty()) {
            return;
        }
        String text = encode(type, fields);
        for (Connection c : connections.values()) {
            c.offer(type, text);
        }
    }

    private String encode(String type, Map<String, Object> fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("at", System.currentTimeMillis());
        event.put("member", member);
        event.putAll(fields);
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event not serialisable: " + fields, e);
        }
    }

    @Override
    public java.util.Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        // The headers are read: this connection's read deadline is over (the WebSocket lives on).
        io.tollgate.http.ReadDeadlines.finished();
        if (!hosts.allows(headers.contains(HeaderNames.HOST) ? headers.get(HeaderNames.HOST).get() : null)) {
            throw new WsUpgradeException("Host not allowed (tollgate.http.allowed-hosts)");
        }
        if (!token.configured()) {
            throw new WsUpgradeException("live events are disabled: set tollgate.events.token or tollgate.admin.token");
        }
        String auth = headers.contains(HeaderNames.AUTHORIZATION) ? headers.get(HeaderNames.AUTHORIZATION).get() : null;
        if (token.check(auth) != BearerToken.Verdict.ACCEPTED) {
            throw new WsUpgradeException("missing or wrong 'Authorization: Bearer <events token>'");
        }
        if (connections.size() >= maxClients) {
            throw new WsUpgradeException("too many event clients (tollgate.events.max-clients=" + maxClients + ")");
        }
        return java.util.Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        if (closed) {
            session.close(1001, "server stopping");
            return;
        }
        if (connections.size() >= maxClients) {
            // Two upgrades passed the check at once: the later one goes.
            session.close(1013, "too many event clients");
            return;
        }
        Connection c = new Connection(session);
        connections.put(session, c);
        c.offer(HELLO, encode(HELLO, Map.of("events", java.util.List.of(DENIAL, QUOTA_THRESHOLD, MEMBER_CHANGE))));
        c.thread = Thread.ofVirtual().name("tollgate-events-sender").start(c::run);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        drop(session);
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.FINE, "events connection failed", t);
        drop(session);
    }

    private void drop(WsSession session) {
        Connection c = connections.remove(session);
        if (c != null && c.thread != null) {
            c.thread.interrupt();
        }
    }

    private Counter sent(String type) {
        return sent.computeIfAbsent(type, t -> meters.counter(MetricNames.EVENTS_SENT, "type", t));
    }

    void close() {
        closed = true;
        for (WsSession s : connections.keySet()) {
            try {
                s.close(1001, "server stopping");
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing an events connection", e);
            }
            drop(s);
        }
    }

    private record Message(String type, String text) {
    }

    private final class Connection {
        private final WsSession session;
        private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE);
        private volatile Thread thread;

        Connection(WsSession session) {
            this.session = session;
        }

        void offer(String type, String text) {
            if (!queue.offer(new Message(type, text))) {
                dropped.increment();
            }
        }

        void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Message m = queue.take();
                    session.send(m.text(), true);
                    if (!HELLO.equals(m.type())) {
                        sent(m.type()).increment();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "events client gone", e);
                connections.remove(session);
            }
        }
    }
}
