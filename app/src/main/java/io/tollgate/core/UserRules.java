package io.tollgate.core;

import java.util.List;

/**
 * The steps on one user's entry: {@code (state, request, now) -> (decision, state)}. Pure.
 *
 * <p>An acquire is all or nothing: the request quota and every rate window are checked first, and
 * only when all of them allow the call is anything consumed; the operation id is recorded in the
 * same step, so a re-run of the same operation replays instead of counting twice.
 */
public final class UserRules {

    private UserRules() {
    }

    /** How long and how many applied operation ids an entry remembers. */
    public record Memory(long horizonMillis, int capacity) {
        public static final Memory DEFAULT = new Memory(60_000, 4096);
    }

    /**
     * @param doneBelow the caller's lowest sequenced operation still in flight: its earlier ones can be
     *                  forgotten ({@link OperationId}); 0 when the caller reports nothing
     * @param force    apply without checking (an answer the failure policy already gave: fail-open)
     * @param notAfter the caller stops waiting at this time (epoch millis): an acquire that reaches the
     *                 owner later is not applied, so a caller that answered by the failure policy is
     *                 never contradicted by a late count ({@link Long#MAX_VALUE}: no deadline)
     */
    public record Acquire(long opId, long doneBelow, String apiId, long cost, List<Limit> limits, Quota quota, BillingCycle cycle,
                          boolean force, long notAfter) {
        public Acquire withCost(long newCost) {
            return new Acquire(opId, doneBelow, apiId, newCost, limits, quota, cycle, force, notAfter);
        }

        /** The same operation, applied whatever the limits and whenever it arrives (fail-open). */
        public Acquire forced() {
            return new Acquire(opId, doneBelow, apiId, cost, limits, quota, cycle, true, Long.MAX_VALUE);
        }
    }

    /** @param applied the state changed; @param replayed the operation had been applied before */
    public record Step(Decision decision, UserState state, boolean applied, boolean replayed) {
    }

    public static Step acquire(UserState state, Acquire r, long now, Memory memory) {
        byte seen = state.recent().stateOf(r.opId());
        if (seen == RecentOps.APPLIED && !r.force() && now > r.notAfter()) {
            // A replay nobody waits for: Hazelcast re-ran an invocation whose caller has given up (its owner died
            // after applying it) and answered by the failure policy. Confirming it would make that caller's owed
            // cancel a no-op and bill a call it refused (seen in the kill scenario, issue 5).
            return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), state, false, true);
        }
        if (seen == RecentOps.APPLIED || seen == RecentOps.CONFIRMED) {
            // A replay tells a caller "allowed": from now on the operation can no longer be cancelled.
            Decision d = check(state, r.withCost(0), now).decision().withOutcome(Outcome.ALLOWED);
            if (seen == RecentOps.CONFIRMED) {
                return new Step(d, state, false, true);
            }
            RecentOps recent = state.recent().with(r.opId(), RecentOps.CONFIRMED, now, memory.horizonMillis(),
                    memory.capacity(), r.doneBelow());
            return new Step(d, new UserState(state.counters(), state.usage(), recent), true, true);
        }
        if (seen == RecentOps.CANCELLED) {
            return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), state, false, true);
        }
        if (!r.force() && now > r.notAfter()) {
            return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), state, false, false);
        }
        UsageBook usage = state.usage().in(r.cycle().periodAt(java.time.Instant.ofEpochMilli(now)));
        Decision decision = r.force() ? null : decide(state.counters(), usage, r, now);
        if (decision != null && !decision.allowed()) {
            return new Step(decision, state.withUsage(usage), false, false);
        }
        Counters counters = RateLimiter.consume(state.counters(), r.limits(), r.apiId(), r.cost(), now);
        UsageBook recorded = usage.record(r.apiId(), new Totals(r.cost(), 0, 0), now);
        RecentOps recent = state.recent().with(r.opId(), RecentOps.APPLIED, now, memory.horizonMillis(), memory.capacity(),
                r.doneBelow());
        if (decision == null) {
            decision = RateLimiter.check(counters, r.limits(), r.apiId(), 0, now);
        }
        return new Step(decision, new UserState(counters, recorded, recent), true, false);
    }

    /** The same question as {@link #acquire} without consuming anything. */
    public static Step check(UserState state, Acquire r, long now) {
        UsageBook usage = state.usage().in(r.cycle().periodAt(java.time.Instant.ofEpochMilli(now)));
        return new Step(decide(state.counters(), usage, r, now), state, false, false);
    }

    /**
     * Gives up operation {@code r.opId()}: undoes it if it was applied, and in any case leaves a
     * tombstone so that it is never applied later.
     */
    public static Step cancel(UserState state, Acquire r, long now, Memory memory) {
        byte seen = state.recent().stateOf(r.opId());
        if (seen == RecentOps.CANCELLED || seen == RecentOps.CONFIRMED) {
            // Already cancelled, or some caller was told "allowed": nothing to take back.
            return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), state, false, true);
        }
        Counters counters = state.counters();
        UsageBook usage = state.usage();
        if (seen == RecentOps.APPLIED) {
            long appliedAt = state.recent().timeOf(r.opId());
            if (appliedAt > r.notAfter()) {
                // Applied after the cancelled caller's deadline: by a retry, whose caller was told "allowed".
                return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), state, false, true);
            }
            counters = RateLimiter.release(counters, r.limits(), r.apiId(), r.cost(), appliedAt, now);
            usage = usage.record(r.apiId(), new Totals(-r.cost(), 0, 0), now);
        }
        RecentOps recent = seen == RecentOps.APPLIED
                ? state.recent().with(r.opId(), RecentOps.CANCELLED, now, memory.horizonMillis(), memory.capacity(),
                        r.doneBelow())
                : state.recent().withUnseenCancel(r.opId(), now, memory.horizonMillis(), memory.capacity(),
                        r.doneBelow(), new RecentOps.Cancelled(r.apiId(), r.cost()));
        return new Step(Decision.failure(Outcome.FAILURE_CLOSED, now), new UserState(counters, usage, recent), true, false);
    }

    /** Records what a served call used (bytes, compute); a known operation id counts nothing more. */
    public static Step recordUsage(UserState state, long opId, String apiId, long bytes, long computeMs,
                                   BillingCycle cycle, long now, Memory memory) {
        if (state.recent().stateOf(opId) != 0) {
            return new Step(Decision.unlimited(now), state, false, true);
        }
        UsageBook usage = state.usage().in(cycle.periodAt(java.time.Instant.ofEpochMilli(now)))
                .record(apiId, new Totals(0, bytes, computeMs), now);
        RecentOps recent = state.recent().with(opId, RecentOps.APPLIED, now, memory.horizonMillis(), memory.capacity(), 0);
        return new Step(Decision.unlimited(now), new UserState(state.counters(), usage, recent), true, false);
    }

    private static Decision decide(Counters counters, UsageBook usage, Acquire r, long now) {
        Decision quota = quotaDecision(usage, r.quota(), r.cost(), now);
        if (!quota.allowed()) {
            return quota;
        }
        Decision rate = RateLimiter.check(counters, r.limits(), r.apiId(), r.cost(), now);
        if (rate.allowed() && quota.remaining() < rate.remaining()) {
            return quota;
        }
        return rate;
    }

    /** Requests must fit; bandwidth and compute, known only after a call, deny once used up. */
    static Decision quotaDecision(UsageBook usage, Quota quota, long cost, long now) {
        Totals used = usage.used();
        long retry = Math.max(0, usage.periodEnd() - now);
        if (used.requests() + cost > quota.requests()) {
            return quotaDenied(Meter.REQUESTS, quota, used, usage, retry);
        }
        if (used.bytes() >= quota.bandwidthBytes()) {
            return quotaDenied(Meter.BANDWIDTH_BYTES, quota, used, usage, retry);
        }
        if (used.computeMs() >= quota.computeMs()) {
            return quotaDenied(Meter.COMPUTE_MS, quota, used, usage, retry);
        }
        return new Decision(Outcome.ALLOWED, quota.requests(), quota.requests() - used.requests() - cost,
                usage.periodEnd(), 0, null, null, Meter.REQUESTS);
    }

    private static Decision quotaDenied(Meter meter, Quota quota, Totals used, UsageBook usage, long retry) {
        return new Decision(Outcome.DENIED_QUOTA, quota.of(meter), Math.max(0, quota.of(meter) - used.of(meter)),
                usage.periodEnd(), retry, null, null, meter);
    }
}
