package io.tollgate.bench;

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
 * Benchmark users are made ENTERPRISE through {@code PUT /admin/users/{id}} (unknown users are FREE).
 *
 * <p>The database: all members share one PostgreSQL (policies live there), by default an embedded
 * one the driver starts on a free port; set {@code TOLLGATE_BENCH_DB_URL} (+ {@code _USER}/{@code
 * _PASSWORD}) to use a real server instead.
 */
final class TollgateSystem implements SystemUnderTest {

    private static final Pattern READY = Pattern.compile("TOLLGATE READY http=(\\d+)");
    static final String ADMIN_TOKEN = "bench-admin-token";

    private final Path jar;
    private final int members;
    private final Path logDir;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

    TollgateSystem(Path jar, int members, Path logDir) {
        this.jar = jar;
        this.members = members;
        this.logDir = logDir;
    }

    static boolean available(Path jar) {
        return Files.isRegularFile(jar);
    }

    @Override
    public String name() {
        return "tollgate-" + members;
    }

    @Override
    public List<InetSocketAddress> start() throws Exception {
        List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            clusterPorts.add(FreePorts.next());
        }
        String memberList = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        String clusterName = "tollgate-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String dbUrl = System.getenv("TOLLGATE_BENCH_DB_URL");
        String dbUser = System.getenv().getOrDefault("TOLLGATE_BENCH_DB_USER", "");
        String dbPassword = System.getenv().getOrDefault("TOLLGATE_BENCH_DB_PASSWORD", "");
        if (dbUrl == null || dbUrl.isBlank()) {
            Path dir = logDir.resolve(name() + "-postgres");
            Files.createDirectories(dir);
            postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dir).setCleanDataDirectory(true).setPort(FreePorts.next()).start();
            dbUrl = postgres.getJdbcUrl("postgres", "postgres");
            dbUser = "postgres";
            dbPassword = "postgres";
        }
        for (int i = 0; i < members; i++) {
            Map<String, String> env = new HashMap<>();
            env.put("SERVER_HOST", "127.0.0.1");
            env.put("SERVER_PORT", Integer.toString(FreePorts.next()));
            env.put("TOLLGATE_CLUSTER_NAME", clusterName);
            env.put("TOLLGATE_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
            env.put("TOLLGATE_CLUSTER_MEMBERS", memberList);
            env.put("TOLLGATE_CLUSTER_INTERFACE", "127.0.0.1");
            env.put("TOLLGATE_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("TOLLGATE_DB_URL", dbUrl);
            env.put("TOLLGATE_DB_USER", dbUser);
            env.put("TOLLGATE_DB_PASSWORD", dbPassword);
            List<String> cmd = List.of(JvmLauncher.java(), JvmLauncher.HEAP, "-XX:+UseG1GC",
                    "-Dhazelcast.phone.home.enabled=false", "-jar", jar.toAbsolutePath().toString());
            processes.add(ChildProcess.start(name() + "-" + i, cmd, env, READY, logDir).terminatedBySignal());
        }
        for (ChildProcess p : processes) {
            Matcher m = p.awaitReady(Duration.ofMinutes(3));
            endpoints.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
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

    /** PUT /admin/users/{id} {"tier":"enterprise"} for every benchmark user, 4 at a time, retried on 5xx. */
    @Override
    public void prepareUsers(UserPopulation users) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> pending = new ArrayList<>();
            for (long i = 0; i < users.count(); i++) {
                String user = users.name(i);
                InetSocketAddress e = endpoints.get((int) (i % endpoints.size()));
                pending.add(pool.submit(() -> {
                    HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.getPort() + "/admin/users/" + user))
                            .header("Authorization", "Bearer " + ADMIN_TOKEN)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"tier\":\"" + BenchLimits.TIER.wireName() + "\"}"))
                            .build();
                    int status = 0;
                    for (int attempt = 0; attempt < 5 && status / 100 != 2; attempt++) {
                        status = client.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status / 100 != 2) {
                            Thread.sleep(200L << attempt); // its database pool is small: back off
                        }
                    }
                    if (status / 100 != 2) {
                        throw new IllegalStateException("PUT /admin/users/" + user + " answered " + status);
                    }
                    return null;
                }));
                if (pending.size() >= 4) {
                    for (Future<?> f : pending) {
                        f.get();
                    }
                    pending.clear();
                }
            }
            for (Future<?> f : pending) {
                f.get();
            }
        }
    }

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
