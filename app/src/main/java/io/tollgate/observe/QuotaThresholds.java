package io.tollgate.observe;

import io.tollgate.core.Decision;
import io.tollgate.core.Meter;
import io.tollgate.core.Outcome;
import io.tollgate.core.Tier;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quota threshold events (80% and 100% of a meter used), once per user, meter, billing period and
 * threshold on this member.
 *
 * <p>Two sources feed it: an acquire whose decision names the quota (the quota was the tightest limit,
 * or denied the call), which gives the crossing the moment it happens; and the collector's scan of the
 * user entries this member owns, which catches users whose decisions were named by a rate window
 * (a FREE user at 85% of the month's requests is usually closer to the day limit). After a partition
 * migrates, the new owner may send an event the old owner already sent: at-least-once per cluster.
 * Only tracked while a client is connected; memory is bounded by {@link #CAPACITY} and entries of
 * ended periods are dropped by {@link #forgetEnded}.
 */
final class QuotaThresholds {
    static final double[] THRESHOLDS = {0.8, 1.0};
    static final String[] THRESHOLD_LABELS = {"0.8", "1.0"};
    private static final int CAPACITY = 200_000;

    private final EventStream events;
    /** "user \n meter \n periodEnd \n threshold" to the period end (for clean-up). */
    private final ConcurrentHashMap<String, Long> sent = new ConcurrentHashMap<>();

    QuotaThresholds(EventStream events) {
        this.events = events;
    }

    /** From an acquire's decision: only quota decisions tell how much of the quota is used. */
    void onDecision(String userId, Tier tier, Decision d) {
        if (d.meter() == null || d.limit() <= 0 || !events.hasListeners()) {
            return;
        }
        if (d.outcome() != Outcome.ALLOWED && d.outcome() != Outcome.DENIED_QUOTA) {
            return;
        }
        long used = d.limit() - d.remaining();
        observe(userId, tier, d.meter(), used, d.limit(), d.resetAtMillis());
    }

    /** {@code used} of {@code limit} in the period ending at {@code periodEndMillis}. */
    void observe(String userId, Tier tier, Meter meter, long used, long limit, long periodEndMillis) {
        if (limit <= 0 || !events.hasListeners()) {
            return;
        }
        for (int i = 0; i < THRESHOLDS.length; i++) {
            if (used < THRESHOLDS[i] * limit) {
                return;
            }
            String key = userId + '\n' + meter.wireName() + '\n' + periodEndMillis + '\n' + THRESHOLD_LABELS[i];
            if (sent.size() >= CAPACITY) {
                sent.clear();
            }
            if (sent.putIfAbsent(key, periodEndMillis) == null) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("user_id", userId);
                e.put("tier", tier.wireName());
                e.put("meter", meter.wireName());
                e.put("threshold", THRESHOLDS[i]);
                e.put("used", used);
                e.put("limit", limit);
                e.put("period_end", Math.floorDiv(periodEndMillis + 999, 1000));
                events.publish(EventStream.QUOTA_THRESHOLD, e);
            }
        }
    }

    void forgetEnded(long nowMillis) {
        sent.values().removeIf(end -> end <= nowMillis);
    }
}
