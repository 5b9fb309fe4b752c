package io.tollgate.cluster;

import java.util.concurrent.TimeUnit;

/**
 * Fencing after a freeze of this JVM (a stop-the-world pause, SIGSTOP, a suspended VM).
 *
 * <p>Why: the other members remove a member they have not heard from for
 * the heartbeat timeout ({@code tollgate.cluster.heartbeat-timeout}, 5 s) and promote its backups. The frozen member knows
 * nothing of it: on resume Hazelcast even resets its heartbeat clocks (a "clock jump"), so it still
 * believes it owns its partitions and has a majority, and for a few seconds two copies of the same
 * entries admit calls. The ledger stays exact (see {@code UsageBook}), but the limits would not.
 * So a member that notices it was frozen for longer than {@link #freezeMillis} refuses to admit calls
 * for {@link #fenceMillis} after it resumes, long enough for membership to settle; its callers get
 * the failure policy's answer meanwhile. A tick thread measures the gaps (monotonic clock).
 */
public final class FreezeFence {
    private static final long TICK_MILLIS = 100;
    /** Below the heartbeat timeout with margin (2 s of 5 s): a freeze this long may have cost us our partitions. */
    private static volatile long freezeMillis = 2_000;
    /** The heartbeat timeout plus a few heartbeats (8 s): by then a removed member has learnt it and lost its majority. */
    private static volatile long fenceMillis = 8_000;

    private static volatile long fencedUntilNanos = System.nanoTime();
    private static volatile long lastFreezeMillis;
    private static Thread ticker;

    private FreezeFence() {
    }

    /**
     * Starts the tick thread once per JVM (every member in this JVM shares the freeze, and the first member's
     * heartbeat timeout sets the thresholds).
     */
    public static synchronized void start(java.time.Duration heartbeatTimeout) {
        if (ticker != null) {
            return;
        }
        freezeMillis = freezeMillisFor(heartbeatTimeout);
        fenceMillis = fenceMillisFor(heartbeatTimeout);
        ticker = Thread.ofPlatform().daemon().name("tollgate-freeze-fence").start(() -> {
            long last = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                observedGap(TimeUnit.NANOSECONDS.toMillis(now - last), now);
                last = now;
            }
        });
    }

    /** One tick's gap since the previous one, seen at {@code nowNanos}. */
    static void observedGap(long gapMillis, long nowNanos) {
        if (gapMillis > freezeMillis) {
            lastFreezeMillis = gapMillis;
            fencedUntilNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(fenceMillis);
            java.util.logging.Logger.getLogger(FreezeFence.class.getName()).warning("this JVM was frozen for "
                    + gapMillis + " ms; refusing to admit calls for " + fenceMillis + " ms");
        }
    }

    static long freezeMillisFor(java.time.Duration heartbeatTimeout) {
        return Math.min(2_000, heartbeatTimeout.toMillis() / 2);
    }

    static long fenceMillisFor(java.time.Duration heartbeatTimeout) {
        return heartbeatTimeout.toMillis() + 3_000;
    }

    /** A gap between ticks longer than this is a freeze. */
    static long freezeMillis() {
        return freezeMillis;
    }

    /** How long a member refuses to admit calls after a freeze. */
    static long fenceMillis() {
        return fenceMillis;
    }

    /** True while this member must not admit calls. */
    public static boolean fenced() {
        return System.nanoTime() - fencedUntilNanos < 0;
    }

    /**
     * For writes that must land on the entry's real owner (cancels, forced acquires, usage, releases): while
     * fenced they are refused with an exception Hazelcast retries, so they reach whoever owns the entry once
     * membership has settled. Applied to a stale copy they would be lost, and a cancel lost there leaves a
     * call counted that its caller was told was not: the copy that kept the call flushes a larger batch under
     * the same name than the copy that cancelled it, and the ledger keeps the larger (see UsageBook).
     */
    public static void refuseWritesWhileFenced() {
        if (fenced()) {
            throw new Fenced();
        }
    }

    /** Retried by Hazelcast like an operation on a migrating partition. */
    static final class Fenced extends com.hazelcast.spi.exception.RetryableHazelcastException {
        Fenced() {
            super("this member was frozen a moment ago and may no longer own this entry");
        }
    }

    /** The length of the last freeze noticed (ms), 0 when none. */
    public static long lastFreezeMillis() {
        return lastFreezeMillis;
    }
}
