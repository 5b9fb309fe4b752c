package io.tollgate.bench;

import com.hazelcast.core.HazelcastInstance;

import io.tollgate.chaos.FreePorts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the whole benchmark in one process and one pass, so every number comes from the same
 * machine state: the HTTP sweep (each system x each concurrency), the backends alone, memory per
 * active user, and the scale runs; then writes results.md, results.csv and the charts.
 *
 * <p>Design note. Every server runs in its own JVM(s) started here and stopped before the next
 * system starts, so systems never share the two cores with each other, only with the load generator
 * (which is the same for all of them). A system that fails to start is reported as such and the run
 * goes on.
 */
public final class BenchDriver {

    private final BenchOptions options;
    private final Path logDir;
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<MemoryRow> memory = new ArrayList<>();
    private final List<LedgerRow> ledger = new ArrayList<>();

    /** The ledger's PostgreSQL writes over one measured point (warm-up included: same load). */
    record LedgerRow(String point, String rate) {
    }

    /** Bytes per active user in one system, with how it was measured. */
    record MemoryRow(String system, long bytesPerUser, String detail) {
    }

    private BenchDriver(BenchOptions options) {
        this.options = options;
        this.logDir = options.out().resolve("logs");
    }

    public static void main(String[] argv) throws Exception {
        BenchOptions options = BenchOptions.parse(argv);
        Files.createDirectories(options.out());
        BenchDriver driver = new BenchDriver(options);
        long start = System.nanoTime();
        driver.notes.add("Load average (1/5/15 min) at start: " + Machine.loadAverage()
                + " on " + Runtime.getRuntime().availableProcessors() + " cores.");
        if (options.phases().contains("http")) {
            driver.httpSweep();
        }
        if (options.phases().contains("cold")) {
            driver.neverSeenUsers();
        }
        if (options.phases().contains("backend")) {
            driver.backendsAlone();
        }
        if (options.phases().contains("scale")) {
            driver.scale();
        }
        if (options.phases().contains("open")) {
            driver.openLoop();
        }
        if (options.phases().contains("many")) {
            driver.manyUsers();
        }
        driver.notes.add("Load average (1/5/15 min) at end: " + Machine.loadAverage() + ".");
        driver.notes.add(String.format("Driver wall time: %.0f s.", (System.nanoTime() - start) / 1e9));
        if (options.docs() != null && !options.full()) {
            Path page = options.docs().toAbsolutePath();
            driver.note(page.getParent().getFileName() + "/" + page.getFileName() + " not written: not a full run ("
                    + options.partialReason() + ")");
        }
        new BenchReport(Machine.describe(), options, driver.measurements, driver.memory, driver.ledger, driver.notes).write();
        System.out.println("bench results in " + options.out().toAbsolutePath());
        System.exit(0);
    }

    private SystemUnderTest system(String name) {
        return switch (name) {
            case "floor" -> new BaselineSystem("floor", 1, logDir);
            case "redis" -> new BaselineSystem("redis", 1, logDir);
            case "bucket4j-1" -> new BaselineSystem("bucket4j", 1, logDir);
            case "bucket4j-3" -> new BaselineSystem("bucket4j", 3, logDir);
            // ===== TOLLGATE: 1 and 3 members, from app/target/tollgate.jar (see TollgateSystem) =====
            case "tollgate-1" -> new TollgateSystem(options.tollgateJar(), 1, logDir);
            case "tollgate-3" -> new TollgateSystem(options.tollgateJar(), 3, logDir);
            // The sidecar's own floor: tollgate-1's launcher, loaded with GET /health/live (see load()).
            case "tollgate-floor" -> new TollgateSystem(options.tollgateJar(), "tollgate-floor", 1, logDir);
            case "tollgate-1-rid" -> new TollgateSystem(options.tollgateJar(), "tollgate-1-rid", 1, logDir);
            case "tollgate-1-before" -> new TollgateSystem(options.baselineJar(), "tollgate-1-before", 1, logDir);
            default -> throw new IllegalArgumentException("unknown system " + name);
        };
    }

    /** Systems whose load is not acquires: they have no users to decide for. */
    private static boolean isFloor(String name) {
        return name.equals("tollgate-floor");
    }

    /** The load a system's HTTP points get: acquires by {@code users}, or GET /health/live for tollgate-floor. */
    private static Workload load(String name, List<InetSocketAddress> endpoints, UserPopulation users) {
        return isFloor(name) ? new HealthLiveWorkload(endpoints)
                : new HttpAcquireWorkload(endpoints, users, name.endsWith("-rid"));
    }

    private boolean skipUnavailable(String name) {
        Path jar = name.endsWith("-before") ? options.baselineJar() : options.tollgateJar();
        if (name.startsWith("tollgate") && (jar == null || !TollgateSystem.available(jar))) {
            note(name + ": skipped, no jar at " + jar);
            return true;
        }
        return false;
    }

    private void httpSweep() {
        for (String name : options.systems()) {
            if (skipUnavailable(name)) {
                continue;
            }
            UserPopulation users = new UserPopulation("u", options.users());
            try (SystemUnderTest system = system(name)) {
                log("starting " + system.name());
                List<InetSocketAddress> endpoints = system.start();
                system.prepareUsers(users);
                // Every system starts the sweep with all its users active, so no system pays first-call
                // costs (Tollgate: policy and ledger look-ups of a new user) inside the measured points.
                long t0 = System.nanoTime();
                long active = prefill(system, users);
                note(String.format("%s: %s of %d users made active before the sweep (%.1f s)", system.name(),
                        active < 0 ? "none" : Long.toString(active), users.count(), (System.nanoTime() - t0) / 1e9));
                for (int level : options.levels()) {
                    TollgateSystem.LedgerActivity ledgerStart = ledgerBefore(system);
                    record(ClosedLoop.run("http", system.name(), users.count(),
                            load(name, endpoints, users), level, options.warmup(), options.measure(),
                            options.repeat()));
                    ledgerAfter(system, ledgerStart, system.name() + " HTTP c=" + level);
                }
            } catch (Exception e) {
                note(name + ": failed: " + e);
                e.printStackTrace();
            }
        }
    }

    /**
     * Every call by a user the system has never seen: for Tollgate the costliest call (the user's policy and
     * ledger base are read from PostgreSQL, its entry is created). Failure-policy answers (503, the decision
     * timeout passed) are the "errors" column. Tollgate systems only: the baselines have no first-call cost.
     */
    private void neverSeenUsers() {
        for (String name : options.systems()) {
            if (!name.startsWith("tollgate") || isFloor(name) || skipUnavailable(name)) {
                continue;
            }
            try (SystemUnderTest system = system(name)) {
                log("never-seen users: starting " + system.name());
                List<InetSocketAddress> endpoints = system.start();
                for (int level : options.coldLevels()) {
                    // Random ids out of 2^63: no user is drawn twice in practice.
                    UserPopulation users = new UserPopulation("cold-" + System.nanoTime() + "-", Long.MAX_VALUE);
                    record(ClosedLoop.run("cold", system.name(), 0, new HttpAcquireWorkload(endpoints, users),
                            level, options.warmup(), options.measure(), options.repeat()));
                }
            } catch (Exception e) {
                note("never-seen users " + name + ": failed: " + e);
                e.printStackTrace();
            }
        }
    }

    private void backendsAlone() {
        UserPopulation users = new UserPopulation("b", options.users());
        try (RedisServer redis = RedisServer.start(logDir);
             RedisSlidingLog log = new RedisSlidingLog("127.0.0.1", redis.port(), 64)) {
            for (int level : options.backendLevels()) {
                record(ClosedLoop.run("backend", "redis-lua (jedis EVALSHA)", users.count(),
                        BackendWorkloads.redisScript(log, users), level, options.warmup(), options.measure(),
                        options.repeat()));
            }
            RedisMemory.Result r = RedisMemory.measure(log, "memory-enterprise");
            memory.add(new MemoryRow("redis-lua", r.bytes(), String.format(
                    "MEMORY USAGE of minute/hour/day sorted sets = %s bytes holding %s entries (%d calls allowed in the replay)",
                    r.bytesPerWindow(), r.entriesPerWindow(), r.allowedCalls())));
            log("redis memory per ENTERPRISE user at its limits: " + r);
        } catch (Exception e) {
            note("redis backend alone / memory: failed: " + e);
            e.printStackTrace();
        }
        HazelcastInstance member = null;
        try {
            member = HazelcastMembers.start("bench-driver-bucket4j", FreePorts.take(),
                    List.of("127.0.0.1"), Bucket4jLimiter::configure);
            Bucket4jLimiter limiter = new Bucket4jLimiter(member);
            for (int level : options.backendLevels()) {
                record(ClosedLoop.run("backend", "bucket4j-hz (tryConsume, embedded member)", users.count(),
                        BackendWorkloads.bucket4jCall(limiter, users), level, options.warmup(), options.measure(),
                        options.repeat()));
            }
            Bucket4jMemory.Result r = Bucket4jMemory.measure(member, "memory-enterprise");
            memory.add(new MemoryRow("bucket4j-hz", r.bytesPerEntry(), String.format(
                    "IMap owned entry memory cost / owned entries (%d entry; %d tokens consumed before the first denial)",
                    r.entries(), r.consumedBeforeDenial())));
            log("bucket4j memory per user: " + r);
        } catch (Exception e) {
            note("bucket4j backend alone / memory: failed: " + e);
            e.printStackTrace();
        } finally {
            if (member != null) {
                member.shutdown();
            }
        }
        for (int size : options.smoke() ? List.of(1) : List.of(1, 3)) {
            try (TollgateMembers tollgate = TollgateMembers.start(size)) {
                String name = "tollgate-hz-" + size + " (UserProcessor submitToKey, embedded member" + (size > 1 ? "s" : "") + ")";
                for (int level : options.backendLevels()) {
                    record(ClosedLoop.run("backend", name, users.count(),
                            BackendWorkloads.tollgateEntryProcessor(tollgate.users(), users, true), level,
                            options.warmup(), options.measure(), options.repeat()));
                    if (size == 1) {
                        // Before caller sequences: every operation id remembered 60 s (still so for request_ids).
                        record(ClosedLoop.run("backend", "tollgate-hz-1 before (every operation id kept 60 s)",
                                users.count(), BackendWorkloads.tollgateEntryProcessor(tollgate.users(), users, false),
                                level, options.warmup(), options.measure(), options.repeat()));
                    }
                }
                if (size == 1) {
                    TollgateMemory.Result r = TollgateMemory.measure(tollgate.first());
                    String replay = String.format("%d calls allowed in the replay; next call: %s", r.allowed(), r.nextDecision());
                    String cost = "; Hazelcast owned entry memory cost in a BINARY map (key + value + record, as the bucket4j row): ";
                    memory.add(new MemoryRow("tollgate (counters + usage book, no operation ids)", r.countersBytes(),
                            "serialized UserState without RecentOps" + cost + r.binaryEntryCosts().get(0) + "; " + replay));
                    memory.add(new MemoryRow("tollgate (at its limits, calls without request_id: " + r.replayIds()
                            + " operation id in flight)",
                            r.replayBytes(), "serialized UserState" + cost + r.binaryEntryCosts().get(1)));
                    memory.add(new MemoryRow("tollgate (steady 1,000 calls/min, each with a request_id: 1,000 ids kept 60 s)",
                            r.steadyBytes(), "serialized UserState, RecentOps topped up to 1,000 ids" + cost + r.binaryEntryCosts().get(2)));
                    memory.add(new MemoryRow("tollgate (worst case: operation-id memory full, " + r.worstIds() + " ids)",
                            r.worstBytes(), "serialized UserState with RecentOps at capacity (tollgate.idempotency.op-capacity)"
                            + cost + r.binaryEntryCosts().get(3)));
                    log("tollgate memory per ENTERPRISE user at its limits: " + r);
                }
            } catch (Exception e) {
                note("tollgate-hz-" + size + " backend alone / memory: failed: " + e);
                e.printStackTrace();
            }
        }
    }

    private void scale() {
        for (String name : options.scaleSystems()) {
            if (skipUnavailable(name)) {
                continue;
            }
            try (SystemUnderTest system = system(name)) {
                log("scale: starting " + system.name());
                List<InetSocketAddress> endpoints = system.start();
                // A fresh JVM is cold: without a discarded run first, the smallest population (measured
                // first) would look the most expensive and "cost vs users" would read backwards.
                UserPopulation warm = new UserPopulation("w-", options.users());
                system.prepareUsers(warm);
                ClosedLoop.run("warmup", system.name(), warm.count(), new HttpAcquireWorkload(endpoints, warm),
                        options.scaleConcurrency(), options.warmup(), options.measure());
                for (long count : options.scaleUsers()) {
                    UserPopulation users = new UserPopulation("s" + count + "-", count);
                    long t0 = System.nanoTime();
                    system.prepareUsers(users);
                    long active = prefill(system, users);
                    String how = active < 0 ? "not prefilled (only users the load touches are active)"
                            : String.format("%d of %d users made active in %.1f s (Tollgate: registered by SQL first)", active, count,
                            (System.nanoTime() - t0) / 1e9);
                    note("scale " + system.name() + " " + count + " users: " + how);
                    TollgateSystem.LedgerActivity ledgerStart = ledgerBefore(system);
                    record(ClosedLoop.run("scale", system.name(), count, new HttpAcquireWorkload(endpoints, users),
                            options.scaleConcurrency(), options.warmup(), options.measure(), options.repeat()));
                    ledgerAfter(system, ledgerStart, "scale " + system.name() + " " + count + " users c=" + options.scaleConcurrency());
                }
            } catch (Exception e) {
                note("scale " + name + ": failed: " + e);
                e.printStackTrace();
            }
        }
    }

    /**
     * Open loop: each system, started anew with the sweep's users registered and made active, gets requests
     * at a fixed arrival rate over a pool of connections ({@link OpenLoop}): {@code --open-rate}, or
     * {@code --open-fraction} (default half) of its closed-loop median at c=64 from this run's sweep; a system
     * the sweep did not measure at c=64 gets one closed-loop window at c=64 first, not reported as a point.
     */
    private void openLoop() {
        for (String name : options.systems()) {
            if (skipUnavailable(name)) {
                continue;
            }
            UserPopulation users = new UserPopulation("u", options.users());
            try (SystemUnderTest system = system(name)) {
                log("open loop: starting " + system.name());
                List<InetSocketAddress> endpoints = system.start();
                system.prepareUsers(users);
                prefill(system, users);
                double rate = options.openRate();
                if (rate <= 0) {
                    double max = kind("http").stream()
                            .filter(p -> p.median().system().equals(system.name()) && p.median().concurrency() == 64)
                            .mapToDouble(p -> p.median().throughput()).findFirst().orElse(-1);
                    String basis = "the sweep's median at c=64";
                    if (max < 0) {
                        max = ClosedLoop.run("open-basis", system.name(), users.count(), load(name, endpoints, users), 64,
                                options.warmup(), options.measure()).throughput();
                        basis = "one closed-loop window at c=64 measured for it";
                    }
                    rate = options.openFraction() * max;
                    note(String.format(java.util.Locale.ROOT, "open loop %s: %.0f requests/s = %.2f × %.0f/s, %s",
                            system.name(), rate, options.openFraction(), max, basis));
                }
                record(OpenLoop.run("open", system.name(), users.count(), load(name, endpoints, users),
                        options.openConnections(), rate, options.warmup(), options.measure(), options.repeat()));
            } catch (Exception e) {
                note("open loop " + name + ": failed: " + e);
                e.printStackTrace();
            }
        }
    }

    /**
     * A marketplace's shape: {@code --many-users} users (default 100,000), each call's user drawn with Zipf
     * popularity ({@code --many-zipf}, default s = 1), closed loop at {@code --many-levels} (16 and 64). Users
     * are registered ENTERPRISE as in the sweep and made active first (bounded by the prefill time). The hot
     * head of the distribution calls more than ENTERPRISE allows, so part of the answers are denials, alike in
     * every system (same limits). Not for tollgate-floor (no users).
     */
    private void manyUsers() {
        for (String name : options.systems()) {
            if (isFloor(name) || skipUnavailable(name)) {
                continue;
            }
            UserPopulation users = UserPopulation.zipf("m", options.manyUsers(), options.manyZipf());
            try (SystemUnderTest system = system(name)) {
                log("many users: starting " + system.name());
                List<InetSocketAddress> endpoints = system.start();
                long t0 = System.nanoTime();
                system.prepareUsers(users);
                long active = prefill(system, users);
                note(String.format(java.util.Locale.ROOT, "many users %s: %s of %d users made active first (%.1f s); "
                                + "Zipf s=%.2f, the most popular user draws %.1f%% of the calls", system.name(),
                        active < 0 ? "none" : Long.toString(active), users.count(), (System.nanoTime() - t0) / 1e9,
                        options.manyZipf(), 100 * users.zipf().probability(0)));
                for (int level : options.manyLevels()) {
                    TollgateSystem.LedgerActivity ledgerStart = ledgerBefore(system);
                    record(ClosedLoop.run("many", system.name(), users.count(), load(name, endpoints, users), level,
                            options.warmup(), options.measure(), options.repeat()));
                    ledgerAfter(system, ledgerStart, "many users " + system.name() + " c=" + level);
                }
            } catch (Exception e) {
                note("many users " + name + ": failed: " + e);
                e.printStackTrace();
            }
        }
    }

    private List<PointSummary> kind(String kind) {
        return PointSummary.of(measurements.stream().filter(m -> m.kind().equals(kind)).toList());
    }

    /**
     * A failed prefill (e.g. a member refusing calls while it starts) leaves the users
     * cold instead of dropping the whole system from the run; the note says so.
     */
    private long prefill(SystemUnderTest system, UserPopulation users) {
        try {
            return system.prefill(users, options.prefillSeconds());
        } catch (Exception e) {
            note(system.name() + ": prefill of " + users.count() + " users failed, they start cold: " + e);
            return -1;
        }
    }

    /** Snapshot of the ledger's database activity before a point (Tollgate only; null otherwise). */
    private TollgateSystem.LedgerActivity ledgerBefore(SystemUnderTest system) {
        if (system instanceof TollgateSystem t) {
            try {
                return t.ledgerActivity();
            } catch (Exception e) {
                note(system.name() + ": ledger activity unreadable: " + e);
            }
        }
        return null;
    }

    private void ledgerAfter(SystemUnderTest system, TollgateSystem.LedgerActivity before, String point) {
        if (before == null || !(system instanceof TollgateSystem t)) {
            return;
        }
        try {
            String rate = t.ledgerActivity().rateSince(before);
            ledger.add(new LedgerRow(point, rate));
            log("ledger " + point + ": " + rate);
        } catch (Exception e) {
            note(system.name() + ": ledger activity unreadable: " + e);
        }
    }

    /** Keeps every repetition of one point; logs each, then the point's median and spread. */
    private void record(List<Measurement> repetitions) {
        for (Measurement m : repetitions) {
            measurements.add(m);
            log(String.format("%-8s %-44s c=%-3d users=%-8d #%d %9.0f/s p50=%7.0fus p99=%7.0fus p99.9=%7.0fus allowed=%d denied=%d errors=%d%s",
                    m.kind(), m.system(), m.concurrency(), m.users(), m.repetition(), m.throughput(), m.p50Micros(),
                    m.p99Micros(), m.p999Micros(), m.allowed(), m.denied(), m.errors(),
                    m.offeredPerSecond() > 0 ? String.format(" offered=%.0f/s", m.offeredPerSecond()) : ""));
        }
        if (repetitions.size() > 1) {
            PointSummary s = PointSummary.summarize(repetitions);
            log(String.format("%-8s %-44s c=%-3d median of %d: %.0f/s (%s, %s) p50=%.0fus p99=%.0fus p99.9=%.0fus",
                    s.median().kind(), s.median().system(), s.median().concurrency(), s.repetitions(),
                    s.median().throughput(), s.range(), s.spread(), s.median().p50Micros(), s.median().p99Micros(),
                    s.median().p999Micros()));
        }
    }

    private void note(String text) {
        notes.add(text);
        log("NOTE " + text);
    }

    private static void log(String text) {
        System.out.println("[bench] " + text);
        System.out.flush();
    }
}
