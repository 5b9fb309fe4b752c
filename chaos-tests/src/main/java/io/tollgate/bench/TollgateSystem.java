package io.tollgate.bench;

import io.tollgate.chaos.FreePorts;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ===== TOLLGATE LAUNCHER =====
 * Tollgate itself, {@code members} sidecars started with {@code java -jar app/target/tollgate.jar}
 * and the environment of the contract (free ports, loopback, one cluster), each awaited on its
 * {@code TOLLGATE READY http=<port> cluster=<port>} line and then on {@code GET /health/ready} = 200.
 * Benchmark users are made ENTERPRISE by their {@code user_policy} rows (unknown users are FREE).
 *
 * <p>The database: all members share one PostgreSQL (policies live there), by default an embedded
 * one the driver starts on a free port; set {@code TOLLGATE_BENCH_DB_URL} (+ {@code _USER}/{@code
 * _PASSWORD}) to use a real server instead.
 */
final class TollgateSystem implements SystemUnderTest {

    /** An older build prints no admin port: it serves /admin on its HTTP port. */
    private static final Pattern READY = Pattern.compile("TOLLGATE READY http=(\\d+)(?: admin=(\\d+))?");
    static final String ADMIN_TOKEN = "bench-admin-token-of-at-least-32-characters";

    private final Path jar;
    private final String label;
    private final int members;
    private final Path logDir;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    /** Each member's admin listener, in the order of {@link #endpoints}. */
    private final List<Integer> adminPorts = new ArrayList<>();
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String clusterName;
    private final List<Integer> clusterPorts = new ArrayList<>();

    TollgateSystem(Path jar, int members, Path logDir) {
        this(jar, "tollgate-" + members, members, logDir);
    }

    /** @param label the system's name in the results (e.g. an older build run beside the current one) */
    TollgateSystem(Path jar, String label, int members, Path logDir) {
        this.jar = jar;
        this.label = label;
        this.members = members;
        this.logDir = logDir;
    }

    static boolean available(Path jar) {
        return Files.isRegularFile(jar);
    }

    @Override
    public String name() {
        return label;
    }

    @Override
    public List<InetSocketAddress> start() throws Exception {
        for (int i = 0; i < members; i++) {
            clusterPorts.add(FreePorts.take());
        }
        String memberList = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        clusterName = "tollgate-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        dbUrl = System.getenv("TOLLGATE_BENCH_DB_URL");
        dbUser = System.getenv().getOrDefault("TOLLGATE_BENCH_DB_USER", "");
        dbPassword = System.getenv().getOrDefault("TOLLGATE_BENCH_DB_PASSWORD", "");
        if (dbUrl == null || dbUrl.isBlank()) {
            Path dir = logDir.resolve(name() + "-postgres");
            Files.createDirectories(dir);
            postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dir).setCleanDataDirectory(true).setPort(FreePorts.take()).start();
            dbUrl = postgres.getJdbcUrl("postgres", "postgres");
            dbUser = "postgres";
            dbPassword = "postgres";
        }
        for (int i = 0; i < members; i++) {
            Map<String, String> env = new HashMap<>();
            env.put("SERVER_HOST", "127.0.0.1");
            env.put("SERVER_PORT", Integer.toString(FreePorts.take()));
            env.put("TOLLGATE_ADMIN_PORT", Integer.toString(FreePorts.take()));
            env.put("TOLLGATE_GRPC_PORT", Integer.toString(FreePorts.take()));
            env.put("TOLLGATE_CLUSTER_NAME", clusterName);
            env.put("TOLLGATE_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
            env.put("TOLLGATE_CLUSTER_MEMBERS", memberList);
            env.put("TOLLGATE_CLUSTER_INTERFACE", "127.0.0.1");
            env.put("TOLLGATE_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("TOLLGATE_CLUSTER_SECRET", clusterName + "-secret-of-at-least-32-characters");
            env.put("TOLLGATE_DB_URL", dbUrl);
            env.put("TOLLGATE_DB_USER", dbUser);
            env.put("TOLLGATE_DB_PASSWORD", dbPassword);
            List<String> cmd = new ArrayList<>(List.of(JvmLauncher.java(), JvmLauncher.HEAP, "-XX:+UseG1GC",
                    "-Dhazelcast.phone.home.enabled=false"));
            // e.g. BENCH_TOLLGATE_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/t.jfr,settings=profile" to profile
            String extra = System.getenv().getOrDefault("BENCH_TOLLGATE_JVM_OPTS", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.replace("{member}", Integer.toString(i)).split("\\s+")));
            }
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
            processes.add(ChildProcess.start(name() + "-" + i, cmd, env, READY, logDir).terminatedBySignal());
        }
        for (ChildProcess p : processes) {
            Matcher m = p.awaitReady(Duration.ofMinutes(3));
            endpoints.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
            adminPorts.add(Integer.parseInt(m.group(m.group(2) != null ? 2 : 1)));
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (InetSocketAddress e : endpoints) {
                awaitReady(client, e, Duration.ofMinutes(2));
            }
        }
        return List.copyOf(endpoints);
    }

    private static void awaitReady(HttpClient client, InetSocketAddress e, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + e.getPort() + "/health/ready");
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException ignored) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Tollgate at " + e + " not ready within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Registers every benchmark user as ENTERPRISE with one set-based INSERT into {@code user_policy}
     * (the row {@code PUT /admin/users/{id} {"tier":"enterprise"}} writes; a million admin calls would
     * take longer than the whole benchmark). Runs before any load touches these users, so no member
     * has cached their default (FREE) policy yet.
     */
    @Override
    public void prepareUsers(UserPopulation users) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(dbUrl, dbUser, dbPassword);
             java.sql.PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO user_policy (user_id, tier)
                     SELECT ? || g, ? FROM generate_series(0::bigint, ?::bigint) g
                     ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier""")) {
            insert.setString(1, users.prefix());
            insert.setString(2, BenchLimits.TIER.wireName());
            insert.setLong(3, users.count() - 1);
            insert.executeUpdate();
        }
    }

    /**
     * Makes users active the way they would be: one acquire per user over HTTP (the member then
     * caches the user's policy and holds an entry with counts and unflushed usage, which the ledger
     * flushes). 32 connections spread over the members; bounded by {@code seconds}. Members accept
     * no Hazelcast client, so there is no faster side door (and the benchmark should not need one).
     */
    @Override
    public long prefill(UserPopulation users, long seconds) throws Exception {
        int workers = 32;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong active = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            InetSocketAddress endpoint = endpoints.get(w % endpoints.size());
            Thread t = Thread.ofPlatform().name("prefill-" + w).start(() -> {
                try (RawHttpConnection c = new RawHttpConnection(endpoint, HttpAcquireWorkload.PATH)) {
                    long i;
                    while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < users.count()) {
                        byte[] body = ("{\"user_id\":\"" + users.name(i) + "\",\"api_id\":\"" + BackendWorkloads.API
                                + "\",\"cost\":1}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        // A cold user's first call can miss the decision timeout (policy and ledger reads):
                        // one more try, then it counts as not made active.
                        if (c.post(body) == 200 || c.post(body) == 200) {
                            active.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    }
                } catch (java.io.IOException e) {
                    failures.incrementAndGet();
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (active.get() == 0 && failures.get() > 0) {
            throw new IllegalStateException("every prefill call failed (" + failures.get() + ")");
        }
        return active.get();
    }

    /** The ledger's PostgreSQL activity so far: the database's counters and the flusher's status. */
    record LedgerActivity(long nanos, long commits, long rowsWritten, long flushes) {
        String rateSince(LedgerActivity before) {
            double s = (nanos - before.nanos) / 1e9;
            long commits = this.commits - before.commits;
            long rows = rowsWritten - before.rowsWritten;
            long rounds = flushes - before.flushes;
            return String.format(java.util.Locale.ROOT,
                    "%.0f transactions/s, %.0f rows inserted+updated/s over %.1f s; %d flush rounds (%.1f/s), %.0f rows per round",
                    commits / s, rows / s, s, rounds, rounds / s, rounds == 0 ? 0.0 : (double) rows / rounds);
        }
    }

    /**
     * {@code pg_stat_database} (xact_commit, tup_inserted + tup_updated) of the sidecars' database and
     * the sum of {@code flushes} in every member's {@code GET /admin/ledger/status}. The statistics
     * collector publishes with a delay of up to a second; the caller's interval is several seconds.
     */
    LedgerActivity ledgerActivity() throws Exception {
        long commits;
        long rows;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(dbUrl, dbUser, dbPassword);
             java.sql.Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_clear_snapshot()");
            try (java.sql.ResultSet r = st.executeQuery(
                    "SELECT xact_commit, tup_inserted + tup_updated FROM pg_stat_database WHERE datname = current_database()")) {
                r.next();
                commits = r.getLong(1);
                rows = r.getLong(2);
            }
        }
        long flushes = 0;
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (int adminPort : adminPorts) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + adminPort + "/admin/ledger/status"))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = FLUSHES.matcher(r.body());
                if (m.find()) {
                    flushes += Long.parseLong(m.group(1));
                }
            }
        }
        return new LedgerActivity(System.nanoTime(), commits, rows, flushes);
    }

    private static final Pattern FLUSHES = Pattern.compile("\"flushes\"\\s*:\\s*(\\d+)");

    @Override
    public void close() {
        processes.forEach(ChildProcess::close);
        processes.clear();
        if (postgres != null) {
            try {
                postgres.close();
            } catch (java.io.IOException e) {
                System.err.println("bench: embedded PostgreSQL did not stop cleanly: " + e);
            }
            postgres = null;
        }
    }
}
