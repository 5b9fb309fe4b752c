package io.tollgate.db;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads that have an answer without PostgreSQL (a policy falls back to the tier defaults, a ledger base
 * to "unknown") skip the database for a few seconds after one of them failed, instead of each waiting
 * the pool's connection timeout (1 s, five times the decision timeout): during an outage every new
 * user's first call would otherwise miss its decision.
 */
public final class ReadBackOff {
    private static final Logger LOG = Logger.getLogger(ReadBackOff.class.getName());
    private static final long BACK_OFF_MILLIS = 5_000;

    private volatile long skipUntil;

    /** {@code query}'s answer, or {@code fallback} when it fails or a read failed less than 5 s ago. */
    public <T> T read(String what, Supplier<T> query, Supplier<T> fallback) {
        if (System.currentTimeMillis() < skipUntil) {
            return fallback.get();
        }
        try {
            return query.get();
        } catch (RuntimeException e) {
            skipUntil = System.currentTimeMillis() + BACK_OFF_MILLIS;
            LOG.log(Level.WARNING, "PostgreSQL unreadable (" + what + "); reads that can do without it skip it for "
                    + BACK_OFF_MILLIS / 1000 + " s", e);
            return fallback.get();
        }
    }
}
