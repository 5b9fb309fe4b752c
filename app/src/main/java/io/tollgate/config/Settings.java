package io.tollgate.config;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting Tollgate reads, read once at start-up into typed, validated values. Defaults live in
 * application.yaml; a bad value stops the start with {@link InvalidSettingException} naming the key.
 */
public record Settings(String serverHost, int serverPort, int maxBodyBytes,
                       String clusterName, String clusterInterface, int clusterPort, List<String> clusterMembers,
                       Duration clusterHeartbeatTimeout,
                       String dbUrl, String dbUser, String dbPassword, Path embeddedDbDir, int dbPoolSize,
                       String adminToken,
                       Duration decisionTimeout, FailurePolicy onFailure,
                       Duration policyCacheTtl, Duration flushInterval, Duration idempotencyRetention,
                       Duration opMemoryHorizon, int opMemoryCapacity, Duration closedPeriodGrace,
                       double memoryCeiling, Duration policyRefresh,
                       String adminHost, int adminPort, String eventsToken, List<String> allowedHosts,
                       HttpLimits httpLimits, String clusterSecret,
                       int idempotencyMaxPerNode) {

    public enum FailurePolicy { OPEN, CLOSED }

    /** Admin and events tokens shorter than this are refused at start: they could be guessed. */
    public static final int MIN_TOKEN_LENGTH = 32;

    /**
     * What one HTTP listener (the decision port and the admin port each) lets a client hold: open connections,
     * requests in progress, how long it may take to send a request's headers and to send its body, and how long a
     * keep-alive connection may sit idle between requests; plus how many clients may follow the live events.
     */
    public record HttpLimits(int maxConnections, int maxConcurrentRequests, Duration readTimeout, Duration idleTimeout,
                             int maxEventClients) {
    }

    public boolean embeddedDb() {
        return dbUrl.isBlank();
    }

    /** Secrets stay out of logs and error messages: only whether each one is set. */
    @Override
    public String toString() {
        return "Settings[server=" + serverHost + ":" + serverPort + ", admin=" + adminHost + ":" + adminPort
                + ", cluster=" + clusterName + "@" + clusterInterface + ":" + clusterPort + " " + clusterMembers
                + ", adminToken=" + (adminToken.isEmpty() ? "unset" : "set") + ", eventsToken="
                + (eventsToken.isEmpty() ? "unset" : "set") + ", clusterSecret=" + (clusterSecret.isEmpty() ? "unset" : "set")
                + ", db=" + (embeddedDb() ? "embedded " + embeddedDbDir : dbUrl) + "]";
    }

    /** The token /api/events requires: its own when set, the admin token otherwise (empty: the stream is closed). */
    public String effectiveEventsToken() {
        return eventsToken.isEmpty() ? adminToken : eventsToken;
    }

    public static Settings from(Config root) {
        Config t = root.get("tollgate");
        Config server = root.get("server");
        Settings s = new Settings(
                text(server, "host", "127.0.0.1"),
                port(server, "server.port", "port", 8080),
                (int) positive(t, "tollgate.http.max-body-bytes", "http.max-body-bytes", 65536),
                nonBlank(t, "tollgate.cluster.name", "cluster.name", "tollgate"),
                text(t, "cluster.interface", "127.0.0.1"),
                port(t, "tollgate.cluster.port", "cluster.port", 5701),
                members(t),
                heartbeatTimeout(t),
                text(t, "db.url", ""),
                text(t, "db.user", "postgres"),
                text(t, "db.password", ""),
                Path.of(text(t, "db.embedded-dir", "target/tollgate-data/postgres")),
                (int) positive(t, "tollgate.db.pool-size", "db.pool-size", 8),
                token(t, "tollgate.admin.token", "admin.token"),
                duration(t, "tollgate.decision.timeout", "decision.timeout", "200ms"),
                failurePolicy(t),
                duration(t, "tollgate.policy.cache-ttl", "policy.cache-ttl", "5m"),
                duration(t, "tollgate.ledger.flush-interval", "ledger.flush-interval", "1s"),
                duration(t, "tollgate.idempotency.retention", "idempotency.retention", "24h"),
                duration(t, "tollgate.idempotency.op-memory", "idempotency.op-memory", "60s"),
                (int) positive(t, "tollgate.idempotency.op-capacity", "idempotency.op-capacity", 4096),
                duration(t, "tollgate.ledger.closed-period-grace", "ledger.closed-period-grace", "1h"),
                share(t, "tollgate.memory.ceiling", "memory.ceiling", 0.8),
                duration(t, "tollgate.policy.refresh-interval", "policy.refresh-interval", "10s"),
                text(t, "admin.host", "127.0.0.1"),
                port(t, "tollgate.admin.port", "admin.port", 9901),
                token(t, "tollgate.events.token", "events.token"),
                hosts(t),
                new HttpLimits(
                        (int) positive(t, "tollgate.http.max-connections", "http.max-connections", 2048),
                        (int) positive(t, "tollgate.http.max-concurrent-requests", "http.max-concurrent-requests", 1024),
                        duration(t, "tollgate.http.read-timeout", "http.read-timeout", "10s"),
                        duration(t, "tollgate.http.idle-timeout", "http.idle-timeout", "60s"),
                        (int) positive(t, "tollgate.events.max-clients", "events.max-clients", 16)),
                text(t, "cluster.secret", ""),
                (int) positive(t, "tollgate.idempotency.max-per-node", "idempotency.max-per-node", 1_000_000));
        if (s.clusterMembers().size() > 1 && s.clusterSecret().length() < MIN_TOKEN_LENGTH) {
            throw new InvalidSettingException("tollgate.cluster.secret", s.clusterSecret().isEmpty() ? "" : "(hidden)",
                    "must be set, at least " + MIN_TOKEN_LENGTH + " characters, when more than one member is configured"
                            + " (environment variable TOLLGATE_CLUSTER_SECRET, the same on every member)");
        }
        if (s.adminPort() != 0 && s.adminPort() == s.serverPort() && s.adminHost().equals(s.serverHost())) {
            throw new InvalidSettingException("tollgate.admin.port", Integer.toString(s.adminPort()),
                    "must differ from server.port: the admin API has a listener of its own");
        }
        return s;
    }

    private static String text(Config c, String key, String dflt) {
        return c.get(key).asString().orElse(dflt).trim();
    }

    /** A bearer token: empty (unset) or at least {@link #MIN_TOKEN_LENGTH} characters. The value is never echoed. */
    private static String token(Config c, String fullKey, String key) {
        String v = text(c, key, "");
        if (!v.isEmpty() && v.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidSettingException(fullKey, "(" + v.length() + " characters)",
                    "must be at least " + MIN_TOKEN_LENGTH + " characters (for example: openssl rand -hex 32)");
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch <= ' ' || ch > '~') {
                throw new InvalidSettingException(fullKey, "(hidden)", "must be printable ASCII without spaces");
            }
        }
        return v;
    }

    /**
     * The Host names the HTTP listeners answer (any port), lower case. Loopback names by default, so that a web
     * page whose name an attacker points at 127.0.0.1 (DNS rebinding) gets 421 instead of answers.
     */
    private static List<String> hosts(Config t) {
        String raw = text(t, "http.allowed-hosts", "localhost,127.0.0.1,[::1]");
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String h = part.trim().toLowerCase(Locale.ROOT);
            if (h.isEmpty()) {
                continue;
            }
            boolean bracketed = h.startsWith("[") && h.endsWith("]");
            if (!bracketed && h.contains(":") || h.contains("/") || h.contains(" ")) {
                throw new InvalidSettingException("tollgate.http.allowed-hosts", raw,
                        "each entry is a host name or address without port or scheme (IPv6 in brackets: [::1])");
            }
            out.add(h);
        }
        if (out.isEmpty()) {
            throw new InvalidSettingException("tollgate.http.allowed-hosts", raw, "must list at least one host name");
        }
        return List.copyOf(out);
    }

    private static String nonBlank(Config c, String fullKey, String key, String dflt) {
        String v = text(c, key, dflt);
        if (v.isEmpty()) {
            throw new InvalidSettingException(fullKey, v, "must not be empty");
        }
        return v;
    }

    private static int port(Config c, String fullKey, String key, int dflt) {
        String raw = text(c, key, Integer.toString(dflt));
        int p = parse(fullKey, raw, Integer::parseInt);
        if (p < 0 || p > 65535) {
            throw new InvalidSettingException(fullKey, raw, "must be a port number 0..65535");
        }
        return p;
    }

    private static long positive(Config c, String fullKey, String key, long dflt) {
        String raw = text(c, key, Long.toString(dflt));
        long v = parse(fullKey, raw, Long::parseLong);
        if (v <= 0) {
            throw new InvalidSettingException(fullKey, raw, "must be a positive number");
        }
        return v;
    }

    /** A share of a whole, above 0 and at most 1 ("0.8"). */
    private static double share(Config c, String fullKey, String key, double dflt) {
        String raw = text(c, key, Double.toString(dflt));
        double v = parse(fullKey, raw, Double::parseDouble);
        if (!(v > 0 && v <= 1)) {
            throw new InvalidSettingException(fullKey, raw, "must be a share above 0 and at most 1, such as 0.8");
        }
        return v;
    }

    private static Duration duration(Config c, String fullKey, String key, String dflt) {
        String raw = text(c, key, dflt);
        Duration d = parse(fullKey, raw, Settings::parseDuration);
        if (d.isNegative() || d.isZero()) {
            throw new InvalidSettingException(fullKey, raw, "must be a positive duration such as 200ms, 1s, 5m, 24h");
        }
        return d;
    }

    /** Hazelcast counts it in whole seconds; below 2 s one late heartbeat (a GC pause) would remove a live member. */
    private static Duration heartbeatTimeout(Config t) {
        String key = "tollgate.cluster.heartbeat-timeout";
        Duration d = duration(t, key, "cluster.heartbeat-timeout", "5s");
        if (d.toMillis() % 1000 != 0 || d.toSeconds() < 2) {
            throw new InvalidSettingException(key, text(t, "cluster.heartbeat-timeout", "5s"),
                    "must be a whole number of seconds, at least 2s");
        }
        return d;
    }

    private static FailurePolicy failurePolicy(Config t) {
        // "on-failure" needs TOLLGATE_DECISION_ON_dash_FAILURE in Helidon's env mapping; also accept ..._ON_FAILURE.
        Optional<String> raw = t.get("decision.on-failure").asString().asOptional()
                .or(() -> t.get("decision.on.failure").asString().asOptional());
        String v = raw.orElse("closed").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "open" -> FailurePolicy.OPEN;
            case "closed" -> FailurePolicy.CLOSED;
            default -> throw new InvalidSettingException("tollgate.decision.on-failure", v, "must be 'open' or 'closed'");
        };
    }

    private static List<String> members(Config t) {
        String raw = text(t, "cluster.members", "127.0.0.1:5701");
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String m = part.trim();
            if (m.isEmpty()) {
                continue;
            }
            int colon = m.lastIndexOf(':');
            if (colon <= 0 || colon == m.length() - 1) {
                throw new InvalidSettingException("tollgate.cluster.members", raw, "each member must be host:port");
            }
            int p = parse("tollgate.cluster.members", raw, x -> Integer.parseInt(m.substring(colon + 1)));
            if (p < 1 || p > 65535) {
                throw new InvalidSettingException("tollgate.cluster.members", raw, "port out of range in '" + m + "'");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new InvalidSettingException("tollgate.cluster.members", raw, "must list at least one host:port");
        }
        return List.copyOf(out);
    }

    private static <T> T parse(String key, String raw, Function<String, T> parser) {
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new InvalidSettingException(key, raw, "cannot be parsed");
        }
    }

    /** "200ms", "1s", "5m", "24h", "2d" or ISO-8601 ("PT1S"). */
    public static Duration parseDuration(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("unknown unit in " + raw);
        };
    }
}
