package io.tollgate.webhook;

import io.helidon.config.Config;
import io.tollgate.config.InvalidSettingException;
import io.tollgate.config.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code tollgate.webhooks.*} settings, read once at start-up; defaults in application.yaml and here.
 *
 * @param retrySchedule   the wait before each retry after a failed attempt; after the last one a delivery is dead
 * @param attemptTimeout  how long one attempt may take, connect to response body
 * @param allowHttpHosts  hosts that may be called over plain {@code http} (all others need {@code https})
 * @param allowPrivateHosts hosts that may resolve to a loopback, private or link-local address
 * @param pollInterval    how often each member looks for due deliveries
 * @param maxConcurrent   attempts in flight at once on this member
 * @param queueCapacity   events waiting in memory for the outbox; beyond it new events are dropped and counted
 * @param denialMaxHold   the longest a denial summary waits for its window's reset before it is sent
 * @param responseBodyCap bytes of a receiver's response body kept (for the delivery's last error)
 */
public record WebhookSettings(List<Duration> retrySchedule, Duration attemptTimeout, Set<String> allowHttpHosts,
                              Set<String> allowPrivateHosts, Duration pollInterval, int maxConcurrent,
                              int queueCapacity, Duration denialMaxHold, int responseBodyCap) {

    public static final String DEFAULT_SCHEDULE = "5s,5m,30m,2h,5h,10h,14h,20h,20h";

    public WebhookSettings {
        retrySchedule = List.copyOf(retrySchedule);
        allowHttpHosts = Set.copyOf(allowHttpHosts);
        allowPrivateHosts = Set.copyOf(allowPrivateHosts);
    }

    /** Attempts a delivery gets in all: the first and one after each wait of the schedule. */
    public int maxAttempts() {
        return retrySchedule.size() + 1;
    }

    public static WebhookSettings from(Config root) {
        Config w = root.get("tollgate.webhooks");
        return new WebhookSettings(
                schedule(text(w, "retry-schedule", DEFAULT_SCHEDULE)),
                duration(w, "attempt-timeout", "10s"),
                hosts(text(w, "allow-http-hosts", "")),
                hosts(text(w, "allow-private-hosts", "")),
                duration(w, "poll-interval", "1s"),
                positive(w, "max-concurrent", 8),
                positive(w, "queue-capacity", 10_000),
                duration(w, "denial-max-hold", "5m"),
                positive(w, "response-body-cap", 4096));
    }

    private static String text(Config c, String key, String dflt) {
        return c.get(key).asString().orElse(dflt).trim();
    }

    static List<Duration> schedule(String raw) {
        String key = "tollgate.webhooks.retry-schedule";
        List<Duration> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                Duration d = Settings.parseDuration(part.trim());
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException();
                }
                out.add(d);
            } catch (RuntimeException e) {
                throw new InvalidSettingException(key, raw, "must be a comma-separated list of positive durations such as 5s,5m,30m");
            }
        }
        if (out.isEmpty()) {
            throw new InvalidSettingException(key, raw, "must list at least one duration");
        }
        return out;
    }

    private static Duration duration(Config c, String key, String dflt) {
        String raw = text(c, key, dflt);
        try {
            Duration d = Settings.parseDuration(raw);
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new InvalidSettingException("tollgate.webhooks." + key, raw, "must be a positive duration such as 10s");
    }

    private static int positive(Config c, String key, int dflt) {
        String raw = text(c, key, Integer.toString(dflt));
        try {
            int v = Integer.parseInt(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSettingException("tollgate.webhooks." + key, raw, "must be a positive whole number");
    }

    private static Set<String> hosts(String raw) {
        Set<String> out = new TreeSet<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
