package io.tollgate.observe;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.Meter;
import io.tollgate.core.Tier;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageBook;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.db.Database;
import io.tollgate.policy.PolicyStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The periodic collector ({@code tollgate.metrics.collect-interval}, default 15 s): work too heavy for a
 * scrape or for the acquire path, done on one daemon thread, its results held for the gauges to read.
 *
 * <ul>
 *   <li>active users: pushes the ids seen since the last round into the cluster's estimators;</li>
 *   <li>calls and revenue: {@link BusinessTotals};</li>
 *   <li>quotas: scans the user entries this member owns ({@code localKeySet} + {@code getAll} in
 *   batches: local reads, no network), and per tier and meter sums used and limit and counts users
 *   over 80% and 100%; also feeds threshold events. Policies come from PolicyStore (near-cached; a
 *   miss reads PostgreSQL once and caches the policy cluster-wide). Each member puts its sums in the
 *   map {@value #QUOTA_PARTS} and reports the sum of all members' parts, so every member shows the
 *   cluster-wide totals (combine with {@code max});</li>
 *   <li>map entries and memory owned by this member, for every {@code tollgate-*} IMap;</li>
 *   <li>a database probe for {@code tollgate_db_up}.</li>
 * </ul>
 * Each part fails on its own (logged), the others still run.
 */
final class BusinessCollector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BusinessCollector.class.getName());
    private static final int BATCH = 500;
    static final String QUOTA_PARTS = "tollgate-metrics-quota-parts";
    private static final Meter[] METERS = Meter.values();
    private static final Tier[] TIERS = Tier.values();

    private final HazelcastInstance hz;
    private final Database database;
    private final PolicyStore policies;
    private final ActiveUsers activeUsers;
    private final QuotaThresholds thresholds;
    private final Meters meters;
    private final BooleanSupplier ledgerDatabaseUp;
    private final BusinessTotals totals;
    private final DecisionMetrics decisions;
    private final ScheduledExecutorService timer;
    private volatile long intervalMillis = 15_000;

    private volatile QuotaSnapshot quotas = QuotaSnapshot.empty();
    private volatile boolean dbUp;
    private final ConcurrentHashMap<String, AtomicLongArray> mapStats = new ConcurrentHashMap<>();

    BusinessCollector(HazelcastInstance hz, Database database, PolicyStore policies, ActiveUsers activeUsers,
                      QuotaThresholds thresholds, Meters meters, BooleanSupplier ledgerDatabaseUp,
                      BusinessTotals totals, DecisionMetrics decisions) {
        this.totals = totals;
        this.decisions = decisions;
        this.hz = hz;
        this.database = database;
        this.policies = policies;
        this.activeUsers = activeUsers;
        this.thresholds = thresholds;
        this.meters = meters;
        this.ledgerDatabaseUp = ledgerDatabaseUp;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-metrics-collector");
            t.setDaemon(true);
            return t;
        });
        registerGauges();
    }

    void start(Duration interval) {
        long ms = interval.toMillis();
        intervalMillis = ms;
        // The first round waits one interval: at start-up the member may not yet satisfy its split-brain
        // protection.
        timer.scheduleWithFixedDelay(this::collect, ms, ms, TimeUnit.MILLISECONDS);
    }

    boolean dbUp() {
        return dbUp && ledgerDatabaseUp.getAsBoolean();
    }

    private void registerGauges() {
        meters.gauge(MetricNames.ACTIVE_USERS, activeUsers::day, "period", "day");
        meters.gauge(MetricNames.ACTIVE_USERS, activeUsers::billing, "period", "billing");
        meters.gauge(MetricNames.DB_UP, () -> dbUp() ? 1 : 0);
        for (Tier t : TIERS) {
            for (Meter m : METERS) {
                int i = index(t, m);
                String tier = t.wireName();
                String meter = m.wireName();
                meters.gauge(MetricNames.QUOTA_USED, () -> quotas.used[i], "tier", tier, "meter", meter);
                meters.gauge(MetricNames.QUOTA_LIMIT, () -> quotas.limit[i], "tier", tier, "meter", meter);
                meters.gauge(MetricNames.QUOTA_USERS_OVER, () -> quotas.over80[i], "tier", tier, "meter", meter,
                        "threshold", QuotaThresholds.THRESHOLD_LABELS[0]);
                meters.gauge(MetricNames.QUOTA_USERS_OVER, () -> quotas.over100[i], "tier", tier, "meter", meter,
                        "threshold", QuotaThresholds.THRESHOLD_LABELS[1]);
            }
        }
        for (String map : new String[] {ClusterMember.USERS, ClusterMember.APIS, ClusterMember.IDEMPOTENCY,
                ClusterMember.USER_POLICIES, ClusterMember.API_POLICIES}) {
            mapGauges(map);
        }
    }

    private AtomicLongArray mapGauges(String map) {
        return mapStats.computeIfAbsent(map, name -> {
            AtomicLongArray cell = new AtomicLongArray(2);
            meters.gauge(MetricNames.CLUSTER_MAP_ENTRIES, () -> cell.get(0), "map", name);
            // Hazelcast reports -1 for maps held in OBJECT format (no serialized size to add up): NaN, unknown.
            meters.gauge(MetricNames.CLUSTER_MAP_MEMORY, () -> cell.get(1) < 0 ? Double.NaN : (double) cell.get(1),
                    "map", name);
            return cell;
        });
    }

    /** One round; public to the package so tests can run it without waiting. */
    void collect() {
        long now = System.currentTimeMillis();
        step("database probe", () -> dbUp = database.answers());
        step("active users", () -> activeUsers.collect(hz, now));
        step("calls and revenue", () -> totals.collect(decisions));
        step("quotas", () -> quotas = scanQuotas(now));
        step("map stats", this::collectMapStats);
        step("threshold clean-up", () -> thresholds.forgetEnded(now));
    }

    private void step(String what, Runnable step) {
        if (!hz.getLifecycleService().isRunning()) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metrics collector: " + what + " failed", e);
        }
    }

    private QuotaSnapshot scanQuotas(long now) {
        IMap<String, UserState> users = hz.getMap(ClusterMember.USERS);
        QuotaSnapshot s = QuotaSnapshot.zero();
        Set<String> keys = users.localKeySet();
        List<String> batch = new ArrayList<>(BATCH);
        for (String key : keys) {
            batch.add(key);
            if (batch.size() == BATCH) {
                scan(users, batch, s, now);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            scan(users, batch, s, now);
        }
        return clusterWide(s);
    }

    /**
     * Publishes this member's sums (keyed by member, expiring after three intervals so a departed
     * member's part goes away) and adds up every member's: the same totals on every member.
     */
    private QuotaSnapshot clusterWide(QuotaSnapshot local) {
        IMap<String, long[]> parts = hz.getMap(QUOTA_PARTS);
        parts.set(hz.getCluster().getLocalMember().getUuid().toString(), local.flatten(),
                Math.max(3 * intervalMillis, 3_000), TimeUnit.MILLISECONDS);
        QuotaSnapshot sum = QuotaSnapshot.zero();
        for (long[] part : parts.values()) {
            sum.add(part);
        }
        return sum;
    }

    private void scan(IMap<String, UserState> users, List<String> keys, QuotaSnapshot s, long now) {
        Map<String, UserState> states = users.getAll(Set.copyOf(keys));
        for (Map.Entry<String, UserState> e : states.entrySet()) {
            UserState state = e.getValue();
            if (state == null || e.getKey().isEmpty() || e.getKey().charAt(0) < ' ') {
                // DecisionService.warmUp's probe users (ids starting with a control character), not customers.
                continue;
            }
            UserPolicy policy = policies.user(e.getKey());
            UsageBook book = state.usage();
            Totals used = book.periodEnd() > now ? book.used() : Totals.ZERO;
            for (Meter m : METERS) {
                int i = index(policy.tier(), m);
                long u = Math.max(0, used.of(m));
                long limit = policy.quota().of(m);
                s.used[i] += u;
                s.limit[i] += limit;
                if (limit > 0 && u >= QuotaThresholds.THRESHOLDS[0] * limit) {
                    s.over80[i]++;
                }
                if (limit > 0 && u >= limit) {
                    s.over100[i]++;
                }
                thresholds.observe(e.getKey(), policy.tier(), m, u, limit, book.periodEnd());
            }
        }
    }

    private void collectMapStats() {
        for (DistributedObject o : hz.getDistributedObjects()) {
            if (o instanceof IMap<?, ?> map && map.getName().startsWith("tollgate-")) {
                LocalMapStats stats = map.getLocalMapStats();
                AtomicLongArray cell = mapGauges(map.getName());
                cell.set(0, stats.getOwnedEntryCount());
                cell.set(1, stats.getOwnedEntryMemoryCost());
            }
        }
    }

    private static int index(Tier t, Meter m) {
        return t.ordinal() * METERS.length + m.ordinal();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One round's quota sums, indexed by tier and meter; published whole, never changed after. */
    private record QuotaSnapshot(long[] used, long[] limit, long[] over80, long[] over100) {
        static QuotaSnapshot zero() {
            int n = TIERS.length * METERS.length;
            return new QuotaSnapshot(new long[n], new long[n], new long[n], new long[n]);
        }

        static QuotaSnapshot empty() {
            return zero();
        }

        long[] flatten() {
            int n = used.length;
            long[] out = new long[4 * n];
            System.arraycopy(used, 0, out, 0, n);
            System.arraycopy(limit, 0, out, n, n);
            System.arraycopy(over80, 0, out, 2 * n, n);
            System.arraycopy(over100, 0, out, 3 * n, n);
            return out;
        }

        void add(long[] part) {
            int n = used.length;
            if (part == null || part.length != 4 * n) {
                return;
            }
            for (int i = 0; i < n; i++) {
                used[i] += part[i];
                limit[i] += part[n + i];
                over80[i] += part[2 * n + i];
                over100[i] += part[3 * n + i];
            }
        }
    }
}
