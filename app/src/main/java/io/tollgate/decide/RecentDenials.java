package io.tollgate.decide;

import io.tollgate.core.Decision;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Denials this member answered recently, so a caller hammering a denied key is answered locally for a
 * moment instead of by the key's owner.
 *
 * <p>Why this is safe: a denial says that {@code cost} does not fit before {@code now + retryAfter}
 * unless counts go down; other members can only add to the counts, so the answer stays true until
 * then for any cost at least as large. Counts go down only by an admin reset, a policy change or a
 * compensation: admin changes are announced on a cluster topic and clear the affected users at once,
 * and in any case a local denial is kept at most {@code maxAge} (1 s). A denial changes no counter
 * and no ledger, so answering it locally loses nothing.
 */
final class RecentDenials {
    private static final int MAX_ENTRIES = 100_000;

    private record Denial(long decidedAt, long untilMillis, long cost, Decision decision) {
    }

    private final ConcurrentHashMap<String, Denial> denials = new ConcurrentHashMap<>();
    private final long maxAgeMillis;

    RecentDenials(long maxAgeMillis) {
        this.maxAgeMillis = maxAgeMillis;
    }

    static String key(String userId, String apiId) {
        return userId + '\n' + apiId;
    }

    /** The recorded denial, with its retry time brought up to {@code now}, if it still holds for {@code cost}. */
    Decision find(String key, long cost, long now) {
        Denial d = denials.get(key);
        if (d == null || cost < d.cost) {
            return null;
        }
        if (now >= d.untilMillis) {
            denials.remove(key, d);
            return null;
        }
        Decision o = d.decision;
        long retry = o.retryAfterMillis() == Long.MAX_VALUE ? Long.MAX_VALUE
                : Math.max(1, o.retryAfterMillis() - (now - d.decidedAt));
        return new Decision(o.outcome(), o.limit(), o.remaining(), o.resetAtMillis(), retry, o.scope(), o.window(),
                o.meter());
    }

    void record(String key, long cost, Decision denial, long now) {
        if (denial.allowed() || denial.retryAfterMillis() <= 0) {
            return;
        }
        if (denials.size() >= MAX_ENTRIES) {
            denials.clear();
        }
        denials.put(key, new Denial(now, now + Math.min(maxAgeMillis, denial.retryAfterMillis()), cost, denial));
    }

    /** Forgets a user's denials ({@code null}: everyone's). */
    void forget(String userId) {
        if (userId == null) {
            denials.clear();
        } else {
            denials.keySet().removeIf(k -> k.startsWith(userId + '\n'));
        }
    }
}
