package io.tollgate.chaos;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * N sidecars in separate JVMs against one PostgreSQL database, started from the real jar. Finds a key's owner
 * through the admin endpoint, kills/pauses/resumes/restarts members by index, and waits for the membership each
 * live member reports. Closing it stops every member, drops the test database and removes network namespaces.
 */
public final class ClusterHarness implements AutoCloseable {

    private final ChaosSettings settings;
    private final ClusterOptions options;
    private final List<MemberProcess> members = new ArrayList<>();
    private final TestDatabase database;
    private final NetworkLab lab;

    private ClusterHarness(ChaosSettings settings, ClusterOptions options, TestDatabase database, NetworkLab lab) {
        this.settings = settings;
        this.options = options;
        this.database = database;
        this.lab = lab;
    }

    /** Starts all members at once and waits until each is ready and sees all the others. */
    public static ClusterHarness start(ChaosSettings settings, ClusterOptions options) {
        settings.requireJar();
        TestDatabase db = options.privatePostgres != null
                ? TestDatabase.create("127.0.0.1", options.privatePostgres.port(), "postgres")
                : TestDatabase.create(settings);
        NetworkLab lab = null;
        ClusterHarness harness = null;
        try {
            lab = options.networkNamespaces ? NetworkLab.create(options.size) : null;
            harness = new ClusterHarness(settings, options, db, lab);
            long t0 = System.nanoTime();
            harness.createMembers();
            harness.members.forEach(MemberProcess::start);
            harness.awaitAllReady();
            harness.awaitMembership(options.size, Duration.ofSeconds(60));
            long ready = System.nanoTime();
            harness.warmUp();
            System.out.printf("CHAOS cluster %s: %d members ready in %.1f s, warmed up in %.1f s%n", options.clusterName,
                    options.size, (ready - t0) / 1e9, (System.nanoTime() - ready) / 1e9);
            return harness;
        } catch (RuntimeException | Error e) {
            if (harness != null) {
                harness.close();
            } else {
                if (lab != null) {
                    lab.close();
                }
                db.close();
            }
            throw e;
        }
    }

    private void createMembers() {
        int n = options.size;
        int[] ports = FreePorts.take(3 * n);
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(lab == null ? "127.0.0.1" : lab.address(i));
        }
        String memberList = "";
        for (int i = 0; i < n; i++) {
            memberList += (i == 0 ? "" : ",") + hosts.get(i) + ":" + ports[2 * i + 1];
        }
        for (int i = 0; i < n; i++) {
            int httpPort = ports[2 * i];
            int adminPort = ports[2 * n + i];
            URI clientBase;
            URI adminBase;
            String dbUrl;
            if (lab == null) {
                clientBase = URI.create("http://127.0.0.1:" + httpPort);
                adminBase = URI.create("http://127.0.0.1:" + adminPort);
                dbUrl = database.jdbcUrl();
            } else {
                clientBase = URI.create("http://127.0.0.1:" + lab.forwardHttp(i, httpPort));
                adminBase = URI.create("http://127.0.0.1:" + lab.forwardHttp(i, adminPort));
                String socket = options.privatePostgres != null ? options.privatePostgres.socket().toString()
                        : "/var/run/postgresql/.s.PGSQL." + database.port();
                dbUrl = database.jdbcUrl("127.0.0.1", lab.forwardPostgres(i, socket));
            }
            Map<String, String> env = new HashMap<>();
            env.put("TOLLGATE_CLUSTER_NAME", options.clusterName);
            env.put("TOLLGATE_CLUSTER_MEMBERS", memberList);
            env.put("TOLLGATE_DB_URL", dbUrl);
            env.put("TOLLGATE_DB_USER", database.user());
            env.put("TOLLGATE_DB_PASSWORD", "");
            env.put("TOLLGATE_ADMIN_TOKEN", options.adminToken);
            env.put("TOLLGATE_CLUSTER_SECRET", options.clusterSecret);
            env.put("TOLLGATE_DECISION_TIMEOUT", options.decisionTimeout.toMillis() + "ms");
            env.put("TOLLGATE_DECISION_ON_FAILURE", options.onFailure);
            env.put("TOLLGATE_LEDGER_FLUSH_INTERVAL", options.flushInterval.toMillis() + "ms");
            env.putAll(options.environment);
            String name = options.namePrefix + "-" + options.clusterName + "-" + i;
            String httpHost = "127.0.0.1";
            members.add(new MemberProcess(settings, new MemberConfig(name, hosts.get(i), ports[2 * i + 1], httpHost,
                    httpPort, clientBase, adminPort, adminBase, lab == null ? null : lab.namespace(i), env),
                    options.adminToken));
        }
    }

    /**
     * Readiness is not warmth: the first acquires on fresh JVMs (class loading, JIT, first entry processors) can
     * outlast a 200 ms decision timeout and get the failure policy. Scenarios measure faults, not cold starts, so
     * every member first serves acquires for throw-away users (never the scenario's) until each answers decisions.
     * Cold-start answers are printed, so the cost stays visible.
     */
    private void warmUp() {
        int coldAnswers = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < members.size(); i++) {
                String user = "warmup-" + options.clusterName + "-" + round;
                AcquireAnswer a = members.get(i).client().acquire(AcquireRequest.of(user, "warmup"));
                if (!(a.allowed() || a.denied())) {
                    coldAnswers++;
                }
            }
        }
        for (MemberProcess m : members) {
            Await.value(m.name() + " to decide within the timeout after warm-up", Duration.ofSeconds(30),
                    () -> m.client().acquire(AcquireRequest.of("warmup-" + options.clusterName + "-final", "warmup")),
                    a -> AvailabilityChecker.decidedInTime(a, options.decisionTimeout));
        }
        if (coldAnswers > 0) {
            System.out.println("CHAOS cluster " + options.clusterName + ": " + coldAnswers
                    + " cold-start acquires were not decided (failure policy or error) during warm-up");
        }
    }

    private void awaitAllReady() {
        CompletableFuture.allOf(members.stream()
                .map(m -> CompletableFuture.runAsync(() -> m.awaitReady(options.readyDeadline)))
                .toArray(CompletableFuture[]::new)).join();
    }

    public ChaosSettings settings() {
        return settings;
    }

    public ClusterOptions options() {
        return options;
    }

    public TestDatabase database() {
        return database;
    }

    public NetworkLab network() {
        if (lab == null) {
            throw new IllegalStateException("cluster not started in network namespaces");
        }
        return lab;
    }

    public int size() {
        return members.size();
    }

    public MemberProcess member(int index) {
        return members.get(index);
    }

    public List<MemberProcess> members() {
        return List.copyOf(members);
    }

    /** Members running and not paused: the ones clients can still talk to. */
    public List<MemberProcess> liveMembers() {
        return members.stream().filter(m -> m.state() == MemberProcess.State.RUNNING).toList();
    }

    public TollgateClient anyLiveClient() {
        List<MemberProcess> live = liveMembers();
        if (live.isEmpty()) {
            throw new IllegalStateException("no live member");
        }
        return live.get(0).client();
    }

    /** Index of the member owning the user's counters, asked of a live member. */
    public int ownerIndexOf(String userId) {
        ClusterMemberView owner = anyLiveClient().ownerOf(userId);
        return indexOf(owner);
    }

    public int indexOf(ClusterMemberView view) {
        for (int i = 0; i < members.size(); i++) {
            MemberConfig c = members.get(i).config();
            if (c.clusterPort() == view.clusterPort() && c.clusterHost().equals(view.host())) {
                return i;
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).config().httpPort() == view.httpPort()) {
                return i;
            }
        }
        throw new IllegalStateException("no member with address " + view + " among " + members);
    }

    /**
     * Index of the Hazelcast master as a live member sees it: the first (oldest) member of its member list, which
     * {@code /admin/cluster} reports in Hazelcast's order.
     */
    public int masterIndex() {
        List<ClusterMemberView> view = anyLiveClient().clusterMembers();
        if (view.isEmpty()) {
            throw new IllegalStateException("empty member list");
        }
        return indexOf(view.get(0));
    }

    /** Finds a user id whose counters live on member {@code index} (tries user ids with the prefix). */
    public String userOwnedBy(int index, String prefix) {
        for (int i = 0; i < 500; i++) {
            String user = prefix + "-" + i;
            if (ownerIndexOf(user) == index) {
                return user;
            }
        }
        throw new IllegalStateException("no user with prefix " + prefix + " owned by member " + index);
    }

    public void kill(int index) {
        members.get(index).kill9();
    }

    public void pause(int index) {
        members.get(index).pause();
    }

    public void resume(int index) {
        members.get(index).resume();
    }

    /** Restarts a killed (or running) member on its old ports and waits until it is ready. */
    public void restart(int index) {
        restart(index, Map.of());
    }

    /** Like {@link #restart(int)}, with some settings (environment variables) changed until its next restart. */
    public void restart(int index, Map<String, String> changedSettings) {
        MemberProcess m = members.get(index);
        m.restart(changedSettings);
        m.awaitReady(options.readyDeadline);
    }

    /** Current membership as each live member reports it (member name -> cluster addresses). */
    public Map<String, List<String>> membershipViews() {
        Map<String, List<String>> views = new HashMap<>();
        for (MemberProcess m : liveMembers()) {
            try {
                views.put(m.name(), m.client().withTimeout(Duration.ofSeconds(2)).clusterMembers().stream()
                        .map(ClusterMemberView::address).sorted().toList());
            } catch (RuntimeException e) {
                views.put(m.name(), List.of("unreachable: " + e.getMessage()));
            }
        }
        return views;
    }

    /** True when every live member reports exactly the live members. */
    public boolean isWhole() {
        List<String> expected = liveMembers().stream().map(m -> m.config().clusterAddress()).sorted().toList();
        Map<String, List<String>> views = membershipViews();
        return !views.isEmpty() && views.values().stream().allMatch(expected::equals);
    }

    /** Waits until every live member reports {@code expected} members. */
    public void awaitMembership(int expected, Duration deadline) {
        try {
            Await.value("every live member to report " + expected + " members", deadline, this::membershipViews,
                    views -> !views.isEmpty() && views.values().stream().allMatch(v -> v.size() == expected
                            && v.stream().noneMatch(a -> a.startsWith("unreachable"))));
        } catch (AssertionError e) {
            // Say what a member that does not answer is doing: a stall seen once in CI left nothing else to go on.
            StringBuilder why = new StringBuilder(e.getMessage());
            membershipViews().forEach((name, view) -> {
                if (view.stream().anyMatch(a -> a.startsWith("unreachable"))) {
                    MemberProcess m = members.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
                    why.append("\n\n").append(m.stallReport(Duration.ofSeconds(15)))
                            .append("\n").append(name).append(" log tail:\n").append(m.logTail(25));
                }
            });
            AssertionError detailed = new AssertionError(why.toString(), e.getCause());
            throw detailed;
        }
    }

    /** Sets a user's tier and waits until every live member answers with it (admin changes spread within ~1 s). */
    public void setTier(String userId, String tier) {
        anyLiveClient().setTier(userId, tier);
        for (MemberProcess m : liveMembers()) {
            // ~1 s in a healthy cluster; a member resumed after a freeze can sit in its own split cluster until
            // Hazelcast merges it back (up to ~30 s), answering from its stale copy meanwhile.
            Await.until(m.name() + " to see " + userId + " as " + tier, Duration.ofSeconds(60),
                    () -> tier.equalsIgnoreCase(m.client().tierOf(userId)));
        }
    }

    /** Sets a user's custom limit for a window and waits until every live member reports it. */
    public void setUserLimit(String userId, String window, long limit) {
        anyLiveClient().admin("PUT", "/admin/users/" + TollgateClient.encode(userId) + "/limits/" + window,
                "{\"limit\":" + limit + "}");
        for (MemberProcess m : liveMembers()) {
            Await.until(m.name() + " to see " + userId + "'s " + window + " limit " + limit, Duration.ofSeconds(10),
                    () -> m.client().limitOf(userId, window) == limit);
        }
    }

    /**
     * Brings a shared cluster back to its full size between scenarios: resumes paused members, restarts killed ones,
     * and waits until every member sees all the others.
     */
    public void restoreAll() {
        List<MemberProcess> restarted = new ArrayList<>();
        for (MemberProcess m : members) {
            if (m.state() == MemberProcess.State.PAUSED) {
                m.resume();
            } else if (m.state() != MemberProcess.State.RUNNING || !m.isAlive()) {
                m.restart();
                restarted.add(m);
            }
        }
        CompletableFuture.allOf(restarted.stream()
                .map(m -> CompletableFuture.runAsync(() -> m.awaitReady(options.readyDeadline)))
                .toArray(CompletableFuture[]::new)).join();
        awaitMembership(members.size(), Duration.ofSeconds(90));
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (MemberProcess m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (lab != null) {
            lab.close();
        }
        try {
            database.close();
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return members.stream().map(MemberProcess::toString).collect(Collectors.joining(", ", "cluster[", "]"));
    }
}
