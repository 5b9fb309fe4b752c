package io.tollgate.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bearer token (admin or events) and the check of an {@code Authorization} header against it.
 *
 * <p>Design note. The scheme word is matched case-insensitively ({@code Bearer}, {@code bearer}: RFC 9110), the
 * token in constant time. Failed attempts slow the next ones down: every failure raises a shared penalty (doubling
 * from 50 ms up to 2 s) that decays by half each quiet second, and a failed caller waits the current penalty
 * before it gets its 401. Handlers run on virtual threads, so a waiting caller holds no platform thread; the right
 * token is never delayed, so a guessing client cannot lock the operator out. The penalty is shared, not per
 * address: every caller of a loopback listener has the same address.
 */
public final class BearerToken {
    static final long FIRST_PENALTY_MILLIS = 50;
    static final long MAX_PENALTY_MILLIS = 2_000;

    private final byte[] token;
    /** The current penalty in milliseconds, and when it was last raised (nanoTime). */
    private final AtomicLong penaltyMillis = new AtomicLong();
    private final AtomicLong raisedAt = new AtomicLong(System.nanoTime());

    public BearerToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean configured() {
        return token.length > 0;
    }

    public enum Verdict { ACCEPTED, MISSING, WRONG }

    /** Checks an Authorization header's value (null when absent). A WRONG verdict has waited its penalty. */
    public Verdict check(String authorization) {
        String presented = presented(authorization);
        if (presented == null || presented.isEmpty()) {
            return Verdict.MISSING;
        }
        if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token)) {
            return Verdict.ACCEPTED;
        }
        long wait = raisePenalty();
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Verdict.WRONG;
    }

    /** The token after a case-insensitive "Bearer " scheme, or null for another scheme or none. */
    static String presented(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /** The penalty this failure waits: the decayed previous one doubled (at least the first, at most the cap). */
    private long raisePenalty() {
        long now = System.nanoTime();
        long quietSeconds = TimeUnit.NANOSECONDS.toSeconds(now - raisedAt.getAndSet(now));
        long decayed = quietSeconds >= 62 ? 0 : penaltyMillis.get() >> quietSeconds;
        long next = Math.min(MAX_PENALTY_MILLIS, Math.max(FIRST_PENALTY_MILLIS, decayed * 2));
        penaltyMillis.set(next);
        return next;
    }
}
