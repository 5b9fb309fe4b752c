package io.tollgate.chaos;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 5's scenarios under load. Short durations by default (the whole chaos suite fits CI's ~10 minutes on a
 * 2-core machine); {@code -Dchaos.long=true} runs the long versions. Every scenario appends one row to
 * {@code target/chaos-report.md} before asserting its pass criteria, so failures still leave their numbers.
 *
 * <p>Clusters. Starting three JVMs costs about a minute on the CI machine, so the member-fault scenarios (kill one
 * repeatedly, pause 5 s and 30 s, kill two) run on the {@link SharedCluster}, whole again before each, each with its
 * own users. The partition (network namespaces) and the PostgreSQL outage (a private server) need clusters of their
 * own.
 *
 * <p>Load: 50 acquires/s short, 200/s long ({@code -Dchaos.rate} overrides), round-robin over the live members;
 * 20 ENTERPRISE users, one of them hot (4/25 of the traffic, custom limit 300/min, so it runs into its limit) and
 * 2 FREE users (10/min).
 */
@org.junit.jupiter.api.TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosScenariosTest {

    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();
    private static final int RATE = SETTINGS.rate(50, 200);
    private static ScenarioRun newRun(Duration duration) {
        return new ScenarioRun(20, 2, RATE, duration).withHotUser(3).withHotLimitPerMinute(300);
    }

    /** The shared cluster of three, whole again (scenarios before may have killed or paused members). */
    private static ClusterHarness sharedCluster() {
        return SharedCluster.get(SETTINGS);
    }

    @Test
    @Order(1)
    void killOneOfThreeRepeatedlyIncludingTheHotKeysOwner() {
        int cycles = SETTINGS.longRun() ? 6 : 2;
        Duration duration = SETTINGS.duration(Duration.ofSeconds(40), Duration.ofMinutes(5));
        {
            ClusterHarness cluster = sharedCluster();
            ScenarioRun run = newRun(duration);
            run.prepare(cluster);
            List<Duration> wholeTimes = new ArrayList<>();
            List<Integer> victims = new ArrayList<>();
            KillBlame blame = new KillBlame();
            run.run(cluster, (c, h) -> {
                int victim = c.ownerIndexOf(run.hotUser());
                for (int cycle = 0; cycle < cycles; cycle++) {
                    Await.sleep(duration.dividedBy(cycles * 3L));
                    if (cycle % 2 == 1) {
                        // The master's death costs most (its successor claims mastership before it promotes
                        // backups): every run has one, whoever owns the hot key.
                        victim = c.masterIndex();
                    }
                    victims.add(victim);
                    blame.beforeKill(c, victim, run.loadUsers(), System.nanoTime());
                    long t = h.memberDown(c.member(victim), "kill -9");
                    c.kill(victim);
                    wholeTimes.add(RecoveryClock.awaitWhole(c, t, Duration.ofSeconds(30)).orElse(Duration.ofDays(1)));
                    blame.restarting(System.nanoTime());
                    c.restart(victim);
                    blame.restarted(h.memberUp(c.member(victim), "restart"));
                    c.awaitMembership(3, Duration.ofSeconds(60));
                    victim = (victim + 1) % 3;
                }
                // Load goes on after the last restart too: a restarted member's first calls are part of its cost.
                Await.sleep(duration.dividedBy(cycles * 3L));
            });
            ScenarioVerdict v = new ScenarioVerdict("kill -9 one of three, repeatedly", run, cluster,
                    cycles + " kills of members " + victims + " (first the hot key's owner, then the master), each restarted");
            Duration worst = wholeTimes.stream().max(Duration::compareTo).orElse(Duration.ZERO);
            v.recovery(worst);
            v.note(blame.summary(run.history(), cluster.options().decisionTimeout()));
            v.require("ledger difference 0", v.ledgerExact(Duration.ofSeconds(15)));
            v.require("over-admission <= 1% of the limit", v.limits() <= 0.01);
            v.require(">= 99% decided within the timeout", v.availability().share() >= 0.99);
            v.require("whole again within 30 s after each kill", worst.compareTo(Duration.ofSeconds(30)) <= 0);
            v.reportAndAssert();
        }
    }

    /** Leaves one member of the shared cluster; the next user of the shared cluster restarts the other two. */
    @Test
    @Order(3)
    void killTwoOfThreeAtOnce() {
        Duration duration = SETTINGS.duration(Duration.ofSeconds(20), Duration.ofMinutes(2));
        {
            ClusterHarness cluster = sharedCluster();
            ScenarioRun run = newRun(duration);
            run.prepare(cluster);
            long[] kill = new long[1];
            Duration[] whole = new Duration[1];
            run.run(cluster, (c, h) -> {
                Await.sleep(duration.dividedBy(3));
                kill[0] = h.memberDown(c.member(1), "kill -9");
                h.memberDown(c.member(2), "kill -9");
                c.kill(1);
                c.kill(2);
                whole[0] = RecoveryClock.awaitWhole(c, kill[0], Duration.ofSeconds(30)).orElse(null);
            });
            // Documented design: writes need a majority of the three configured members, so the survivor alone is a
            // minority. Fail-closed, it admits nothing, and it cannot flush either (a flush writes the entries); its
            // unflushed usage waits in its entries. So the ledger is judged after the two are restarted and the
            // majority is back: then only entries whose owner and backup both died can be missing.
            String survivor = cluster.member(0).name();
            long alone = kill[0] + Duration.ofSeconds(6).toNanos();
            long survivorAdmitted = run.history().answers(a -> a.member().equals(survivor) && a.allowed()
                    && a.sentNanos() >= alone).size();
            long restoreStart = System.nanoTime();
            cluster.restoreAll();
            Duration restored = Duration.ofNanos(System.nanoTime() - restoreStart);
            ScenarioVerdict v = new ScenarioVerdict("kill -9 two of three at once", run, cluster,
                    "kill -9 members 1 and 2 together (more than the backup count); restarted after the load");
            LedgerChecker.Result ledger = v.ledger(Duration.ofSeconds(15));
            long lost = 0;
            long duplicated = 0;
            for (Map.Entry<String, Long> e : ledger == null ? Map.<String, Long>of().entrySet() : ledger.expected().entrySet()) {
                long got = ledger.ledger().getOrDefault(e.getKey(), 0L);
                lost += Math.max(0, e.getValue() - got);
                duplicated += Math.max(0, got - e.getValue());
            }
            // Losing two of three may lose counters whose owner and only backup both died; the ledger may lose at
            // most what was admitted in the last flush interval before the crash (the promise for a whole-cluster
            // loss), never anything older, and never count twice.
            long atRisk = run.allowedAnsweredAfter(kill[0], cluster.options().flushInterval());
            v.note("ledger lost " + lost + ", duplicated " + duplicated + ", admitted in the last flush interval before the kill "
                    + atRisk);
            v.note("survivor admitted " + survivorAdmitted + " while alone (fail-closed minority); restarting the two took "
                    + restored.toSeconds() + " s");
            v.limits();
            v.recovery(whole[0]);
            v.availability();
            v.require("the survivor sees itself alone within 30 s", whole[0] != null);
            v.require("the survivor, a minority, admits nothing while alone (fail-closed)", survivorAdmitted == 0);
            // Beyond the backup count both copies of some entries die with their operation ids, so a call
            // applied and flushed whose reply was lost cannot be told apart from a new one: reported.
            v.target("no duplicate in the ledger", duplicated == 0);
            v.require("ledger loses nothing older than the last flush interval", lost <= atRisk);
            try {
                v.reportAndAssert();
            } finally {
                // After losing two of three, a restored member was seen keeping a stale policy for > 10 s
                // (open finding); later scenarios get a fresh cluster so they measure only their own fault.
                SharedCluster.close();
            }
        }
    }

    @ParameterizedTest(name = "pause {0} s")
    @ValueSource(ints = {5, 30})
    @Order(2)
    void pauseTheHotKeysOwner(int pauseSeconds) {
        // The 30 s pauses run in the long suite (a 30 s pause plus its recovery would double the short suite).
        // Open finding (issue 5): pausing the master 30 s can split the two survivors from each other, and a
        // merge can fail while the users map is "still loading data from external store" (ledger loss, 2026-11-28).
        org.junit.jupiter.api.Assumptions.assumeTrue(pauseSeconds <= 5 || SETTINGS.longRun(),
                "pause 30 s runs with -Dchaos.long=true");
        pauseOne(pauseSeconds, false);
    }

    /**
     * Pauses aimed at the Hazelcast master (the oldest member), whoever owns the hot key: the master's own failure
     * detection and its removal need the other members to claim mastership, which a non-master's pause never
     * exercises. At 5 s the two survivors suspect the master ~100-200 ms apart and can each claim it, leaving
     * three one-member clusters that merge back after SIGCONT (seen 2026-11-28, issue 5). Long suite only.
     */
    @ParameterizedTest(name = "pause the master {0} s")
    @ValueSource(ints = {5, 30})
    @Order(2)
    void pauseTheMaster(int pauseSeconds) {
        org.junit.jupiter.api.Assumptions.assumeTrue(SETTINGS.longRun(), "pause of the master runs with -Dchaos.long=true");
        pauseOne(pauseSeconds, true);
    }

    private void pauseOne(int pauseSeconds, boolean master) {
        Duration pause = Duration.ofSeconds(pauseSeconds);
        Duration duration = pause.plus(SETTINGS.duration(Duration.ofSeconds(10), Duration.ofMinutes(2)));
        {
            ClusterHarness cluster = sharedCluster();
            ScenarioRun run = newRun(duration);
            run.prepare(cluster);
            Duration[] removed = new Duration[1];
            Duration[] whole = new Duration[1];
            int owner = cluster.ownerIndexOf(run.hotUser());
            int oldest = cluster.masterIndex();
            int victim = master ? oldest : owner;
            String role = (victim == oldest ? "master" : "not the master") + (victim == owner ? ", hot key's owner" : "");
            run.run(cluster, (c, h) -> {
                Await.sleep(Duration.ofSeconds(5));
                long t = h.memberDown(c.member(victim), "SIGSTOP");
                c.pause(victim);
                removed[0] = Await.tryValue(pause, c::membershipViews, views -> !views.isEmpty()
                                && views.values().stream().allMatch(m -> m.size() == 2))
                        .map(x -> Duration.ofNanos(System.nanoTime() - t)).orElse(null);
                long left = t + pause.toNanos() - System.nanoTime();
                if (left > 0) {
                    Await.sleep(Duration.ofNanos(left));
                }
                long heal = h.memberUp(c.member(victim), "SIGCONT");
                c.resume(victim);
                whole[0] = RecoveryClock.awaitWhole(c, heal, Duration.ofSeconds(60)).orElse(null);
            });
            ScenarioVerdict v = new ScenarioVerdict("pause (SIGSTOP) " + (master ? "the master" : "one of three") + " for "
                    + pauseSeconds + " s", run, cluster,
                    "SIGSTOP member " + victim + " (" + role + ") for " + pauseSeconds + " s, then SIGCONT");
            v.note("removed from the others' view after " + (removed[0] == null ? "never (within the pause)" : removed[0].toMillis() + " ms"));
            v.note("whole again " + (whole[0] == null ? "not within 60 s" : whole[0].toMillis() + " ms") + " after SIGCONT");
            v.recovery(whole[0]);
            // Billing's promise holds through a freeze too. Required since 2400a39: the differences seen on
            // 2026-11-28 came from a cancel applied to a frozen owner's stale copy (fenced since 775a976) and from
            // the master's survivors splitting into one-member clusters (claims wait for both since 2400a39).
            v.require("ledger difference 0", v.ledgerExact(Duration.ofSeconds(15)));
            v.require("over-admission <= 1% of the limit", v.limits() <= 0.01);
            v.availability();
            if (pauseSeconds >= 30) {
                v.require("paused member removed within 10 s", removed[0] != null && removed[0].compareTo(Duration.ofSeconds(10)) <= 0);
            }
            v.require("one cluster of three again within 60 s of SIGCONT", whole[0] != null);
            v.reportAndAssert();
        }
    }

    @Test
    @Order(4)
    void partitionOneFromTwoThenHeal() {
        Duration cut = SETTINGS.duration(Duration.ofSeconds(20), Duration.ofSeconds(60));
        Duration duration = cut.plus(Duration.ofSeconds(15));
        try (ClusterHarness cluster = ClusterHarness.start(SETTINGS, ClusterOptions.defaults().namePrefix("part").inNetworkNamespaces())) {
            ScenarioRun run = newRun(duration);
            run.prepare(cluster);
            int minority = cluster.ownerIndexOf(run.hotUser());
            Duration[] whole = new Duration[1];
            long[] cutAt = new long[1];
            long[] healAt = new long[1];
            run.run(cluster, (c, h) -> {
                Await.sleep(Duration.ofSeconds(5));
                cutAt[0] = h.event("fault: isolate member " + minority);
                c.network().isolate(minority);
                Await.sleep(cut);
                healAt[0] = h.event("heal: reconnect member " + minority);
                c.network().heal(minority);
                whole[0] = RecoveryClock.awaitWhole(c, healAt[0], Duration.ofSeconds(60)).orElse(null);
            });
            ScenarioVerdict v = new ScenarioVerdict("partition one of three for " + cut.toSeconds() + " s", run, cluster,
                    "member " + minority + " (hot key's owner) cut from the other two, then healed");
            v.recovery(whole[0]);
            // Documented minority policy (cluster-config/hazelcast.yaml, README): writes to the users and APIs maps need
            // a majority of the configured members (split-brain protection "tollgate-majority"), and the failure policy
            // here is fail-closed. So once the minority member has not heard from the others for 3 s, it
            // admits nothing: every acquire it answers is failure_closed. The bound on over-admission is therefore 0.
            // Before it notices, its acquires on keys owned across the cut wait for an owner that does not answer,
            // and on keys it owns for a backup ack that never comes: they time out into failure_closed as well.
            String isolated = cluster.member(minority).name();
            // Split-brain protection counts only members heard from within 3 s and is re-evaluated every second;
            // the last heartbeat before the cut is at most 1 s old: writes are refused within ~4 s, ahead of the
            // 5 s failure detection.
            long detection = Duration.ofMillis(4_500).toNanos();
            List<AcquireAnswer> minorityAllowed = run.history().answers(a -> a.member().equals(isolated) && a.allowed()
                    && a.sentNanos() >= cutAt[0] + detection && a.answeredNanos() <= healAt[0]);
            long minorityAnswered = run.history().answers(a -> a.member().equals(isolated)
                    && a.sentNanos() >= cutAt[0] && a.answeredNanos() <= healAt[0]).size();
            long minorityAllowedAnyTime = run.history().answers(a -> a.member().equals(isolated) && a.allowed()
                    && a.sentNanos() >= cutAt[0] && a.answeredNanos() <= healAt[0]).size();
            v.note("minority member answered " + minorityAnswered + " acquires during the cut, " + minorityAllowedAnyTime
                    + " allowed (" + minorityAllowed.size() + " sent 4.5 s or more after the cut)");
            double over = v.limits();
            v.availability();
            // Calls the cut-off owner admitted before it noticed the split reach the ledger too: the promoted copy
            // seals the old owner's batch and counts under a new epoch, and the merge absorbs the minority's
            // unflushed usage (UsageBook, LedgerCursor, UserStateMergePolicy). Reported, not yet required: exact
            // in 6 of the 8 runs after these fixes (2026-11-28), one call over in the other two (a call answered failure_closed but
            // counted, open finding in issue 5); the partition criteria below are required.
            Boolean ledgerExact = v.ledgerExact(Duration.ofSeconds(30));
            v.target("ledger difference 0", ledgerExact != null && ledgerExact);
            v.require("fail-closed minority admits nothing sent 4.5 s or more after the cut", minorityAllowed.isEmpty());
            v.require("over-admission within the fail-closed bound (0)", over == 0);
            v.require("one cluster again within 60 s of healing", whole[0] != null);
            v.reportAndAssert();
        }
    }

    @Test
    @Order(5)
    void postgresOutageUnderLoad() {
        Duration outage = SETTINGS.duration(Duration.ofSeconds(20), Duration.ofSeconds(60));
        Duration duration = outage.plus(Duration.ofSeconds(15));
        try (PrivatePostgres pg = PrivatePostgres.start();
             ClusterHarness cluster = ClusterHarness.start(SETTINGS, ClusterOptions.defaults().namePrefix("pg").privatePostgres(pg))) {
            ScenarioRun run = newRun(duration);
            run.prepare(cluster);
            run.run(cluster, (c, h) -> {
                Await.sleep(Duration.ofSeconds(5));
                h.event("fault: PostgreSQL stopped (immediate)");
                pg.stopServer();
                Await.sleep(outage);
                h.event("heal: PostgreSQL started");
                pg.startServer();
            });
            ScenarioVerdict v = new ScenarioVerdict("PostgreSQL stopped for " + outage.toSeconds() + " s", run, cluster,
                    "pg_ctl stop -m immediate, restart after " + outage.toSeconds() + " s");
            v.require("ledger difference 0 (the backlog drains)", v.ledgerExact(Duration.ofSeconds(30)));
            v.target("limiting continues: >= 99% decided within the timeout", v.availability().share() >= 0.99);
            v.require("over-admission <= 1% of the limit", v.limits() <= 0.01);
            v.reportAndAssert();
        }
    }
}
