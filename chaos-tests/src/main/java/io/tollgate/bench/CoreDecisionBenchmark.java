package io.tollgate.bench;

import io.tollgate.core.Counters;
import io.tollgate.core.Limit;
import io.tollgate.core.RateLimiter;
import io.tollgate.core.Scope;
import io.tollgate.core.UserRules;
import io.tollgate.core.Window;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One decision on the pure core: {@link RateLimiter#acquire} over a user's {@link Counters} with
 * the ENTERPRISE minute/hour/day limits, the state carried from call to call as the entry processor
 * would store it. The clock advances 1 ms per call (about 1,000 calls per second for one user, the
 * minute limit's pace), so windows slide and buckets rotate as in real traffic; the counters are
 * reset each iteration so the hour and day limits are not reached.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class CoreDecisionBenchmark {

    private List<Limit> limits;
    private Counters counters;
    private long now;

    @Setup(Level.Iteration)
    public void setUp() {
        limits = new ArrayList<>();
        for (Window w : BenchLimits.WINDOWS) {
            limits.add(new Limit(Scope.USER, w, BenchLimits.limit(w)));
        }
        counters = Counters.empty();
        now = 1_700_000_000_000L;
    }

    @Benchmark
    public RateLimiter.Step acquire() {
        now += 1;
        RateLimiter.Step step = RateLimiter.acquire(counters, limits, "bench-api", 1, now);
        counters = step.counters();
        return step;
    }

    /** A user already over its minute limit: the denial path (nothing is consumed). */
    @Benchmark
    public RateLimiter.Step acquireDenied(DeniedState s) {
        return RateLimiter.acquire(s.full, s.limits, "bench-api", 1, s.now);
    }

    /**
     * The whole step the acquire entry processor runs ({@link UserRules#acquire}: quota, rate windows,
     * usage book, operation-id memory) at a steady 1,000 calls a minute (clock + 60 ms per call), each
     * call with a sequenced id from one caller with nothing else in flight (a call without
     * request_id): the entry forgets each id as soon as the next call reports it answered. Limits are
     * ENTERPRISE x 1000 so the long iteration stays on the allowed path.
     */
    @Benchmark
    public UserRules.Step userStep(UserStepState s) {
        s.now += 60;
        long id = io.tollgate.core.OperationId.sequenced(1, s.sequence++);
        UserRules.Acquire a = new UserRules.Acquire(id, id, "bench-api", 1, s.limits, s.quota, s.cycle, false, Long.MAX_VALUE);
        UserRules.Step step = UserRules.acquire(s.state, a, s.now, UserRules.Memory.DEFAULT);
        s.state = step.state();
        return step;
    }

    /**
     * The same step with a hashed id per call (a call with request_id, and every call before caller
     * sequences): each id is remembered 60 s, so the entry carries about 1,000 of them. The baseline
     * for {@link #userStep} in the same run.
     */
    @Benchmark
    public UserRules.Step userStepRequestIds(UserStepState s) {
        s.now += 60;
        UserRules.Acquire a = new UserRules.Acquire(io.tollgate.core.OperationId.hashed(s.random.nextLong()), 0,
                "bench-api", 1, s.limits, s.quota, s.cycle, false, Long.MAX_VALUE);
        UserRules.Step step = UserRules.acquire(s.state, a, s.now, UserRules.Memory.DEFAULT);
        s.state = step.state();
        return step;
    }

    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class UserStepState {
        List<Limit> limits;
        io.tollgate.core.Quota quota;
        io.tollgate.core.BillingCycle cycle;
        io.tollgate.core.UserState state;
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        long sequence;
        long now;

        @Setup(Level.Iteration)
        public void setUp() {
            io.tollgate.core.UserPolicy policy = new io.tollgate.core.UserPolicy("bench", BenchLimits.TIER, 1000.0,
                    java.util.Map.of(), java.util.Map.of(), new io.tollgate.core.Quota(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4,
                    Long.MAX_VALUE / 4), 1, "UTC");
            limits = policy.limitsFor("bench-api");
            quota = policy.quota();
            cycle = policy.billingCycle();
            now = java.time.Instant.parse("2025-06-01T00:00:00Z").toEpochMilli();
            state = io.tollgate.core.UserState.fresh("bench", cycle.periodAt(java.time.Instant.ofEpochMilli(now)),
                    io.tollgate.core.LedgerBase.UNKNOWN);
        }
    }

    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class DeniedState {
        List<Limit> limits;
        Counters full;
        long now = 1_700_000_000_000L;

        @Setup(Level.Trial)
        public void setUp() {
            limits = new ArrayList<>();
            for (Window w : BenchLimits.WINDOWS) {
                limits.add(new Limit(Scope.USER, w, BenchLimits.limit(w)));
            }
            full = RateLimiter.consume(Counters.empty(), limits, "bench-api", BenchLimits.limit(Window.MINUTE), now);
        }
    }
}
