package io.tollgate.chaos;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness's own moving parts, without a sidecar: databases come and go, a private PostgreSQL stops and starts,
 * namespaces isolate and heal, and the checkers judge hand-made histories correctly (including failing when they
 * must).
 */
class HarnessSelfTest {

    private final ChaosSettings settings = ChaosSettings.fromSystemProperties();

    @Test
    void testDatabaseIsCreatedAndDropped() throws Exception {
        String name;
        try (TestDatabase db = TestDatabase.create(settings); Connection c = db.connect()) {
            name = db.name();
            assertThat(c.isValid(2)).isTrue();
        }
        try (TestDatabase other = TestDatabase.create(settings); Connection c = other.connect();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from pg_database where datname = '" + name + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("dropped database %s", name).isZero();
        }
    }

    @Test
    void privatePostgresStopsAndStartsOnTheSamePort() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start();
             TestDatabase db = TestDatabase.create("127.0.0.1", pg.port(), "postgres")) {
            try (Connection c = db.connect()) {
                assertThat(c.isValid(2)).isTrue();
            }
            pg.stopServer();
            assertThatThrownBy(db::connect).isInstanceOf(java.sql.SQLException.class);
            pg.startServer();
            try (Connection c = db.connect()) {
                assertThat(c.isValid(2)).isTrue();
            }
            assertThat(Files.exists(pg.socket())).isTrue();
        }
    }

    @Test
    void networkLabIsolatesAndHealsAMember() throws Exception {
        try (NetworkLab lab = NetworkLab.create(3)) {
            int port = 7000;
            java.util.List<Process> listeners = new java.util.ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                listeners.add(ChildProcesses.register(new ProcessBuilder("ip", "netns", "exec", lab.namespace(i), "socat",
                        "TCP-LISTEN:" + port + ",fork,reuseaddr", "SYSTEM:echo hi").start()));
            }
            try {
                assertThat(Await.tryValue(Duration.ofSeconds(5), () -> lab.canConnect(0, lab.address(1), port), ok -> ok)).isPresent();
                lab.isolate(0);
                assertThat(lab.canConnect(0, lab.address(1), port)).as("isolated member reaches nobody").isFalse();
                assertThat(lab.canConnect(1, lab.address(2), port)).as("the other two still talk").isTrue();
                lab.heal(0);
                assertThat(Await.tryValue(Duration.ofSeconds(5), () -> lab.canConnect(0, lab.address(1), port), ok -> ok)).isPresent();
            } finally {
                listeners.forEach(Process::destroyForcibly);
            }
        }
    }

    @Test
    void memberPortsLieBelowTheEphemeralRangeSoNoConnectAttemptCanTakeOne() {
        int[] ports = FreePorts.take(20);
        assertThat(FreePorts.ephemeralRangeStart()).isGreaterThan(10_000);
        assertThat(java.util.Arrays.stream(ports).boxed().toList())
                .allMatch(p -> p >= 10_000 && p < FreePorts.ephemeralRangeStart()).doesNotHaveDuplicates();
    }

    @Test
    void threadDumpsKeepTheMainThreadAndBlockedThreadsOnly() throws Exception {
        Path javaBin = ChaosSettings.fromSystemProperties().java();
        Process jcmd = new ProcessBuilder(javaBin.resolveSibling("jcmd").toString(),
                Long.toString(ProcessHandle.current().pid()), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).isZero();
        String cut = ThreadDumps.interesting(dump, 5);
        assertThat(cut).contains("\"main\"").doesNotContain("\"Reference Handler\"");
        assertThat(cut.length()).isLessThan(dump.length());
    }

    @Test
    void limitCheckerCountsOnlySureAdmissionsInAWindow() {
        History h = new History();
        long t0 = 1_000_000_000L;
        long sec = 1_000_000_000L;
        // 3 admissions inside one second, answered quickly: sure to be inside [t0, t0+1s]
        for (int i = 0; i < 3; i++) {
            h.record(answer("u", t0 + i * 100_000_000L, t0 + i * 100_000_000L + 1_000_000, AnswerKind.ALLOWED));
        }
        // a fourth one sent inside the window but answered long after: not surely inside
        h.record(answer("u", t0 + 500_000_000L, t0 + 3 * sec, AnswerKind.ALLOWED));
        h.record(answer("u", t0 + 600_000_000L, t0 + 600_000_000L + 1_000, AnswerKind.DENIED));
        LimitChecker.Result ok = LimitChecker.check(h, List.of("u"), Duration.ofSeconds(1), 3);
        assertThat(ok.maxAdmittedPerUser()).containsEntry("u", 3L);
        assertThat(ok.withinLimit()).isTrue();
        LimitChecker.Result over = LimitChecker.check(h, List.of("u"), Duration.ofSeconds(1), 2);
        assertThat(over.maxExcess()).isEqualTo(1);
        assertThat(over.overAdmissionShareOfLimit()).isEqualTo(0.5);
    }

    @Test
    void availabilityCountsOnlyRealDecisionsWithinTheTimeout() {
        History h = new History();
        h.record(answer("u", 0, 5_000_000, AnswerKind.ALLOWED));
        h.record(answer("u", 0, 6_000_000, AnswerKind.DENIED));
        h.record(answer("u", 0, 300_000_000, AnswerKind.ALLOWED)); // too slow
        h.record(answer("u", 0, 201_000_000, AnswerKind.FAILURE_CLOSED));
        AvailabilityChecker.Result r = AvailabilityChecker.check(h, Duration.ofMillis(200));
        assertThat(r.decidedInTime()).isEqualTo(2);
        assertThat(r.share()).isEqualTo(0.5);
        assertThat(r.failurePolicy()).isEqualTo(1);
    }

    @Test
    void killBlameCountsEachMissInThePhaseItWasSentIn() {
        long ms = 1_000_000L;
        History h = new History();
        KillBlame blame = new KillBlame();
        blame.killed(2, true, java.util.Set.of("victims"), 1_000 * ms);
        h.record(answer("victims", 900 * ms, 905 * ms, AnswerKind.ALLOWED)); // before the kill, in time
        h.record(answer("other", 950 * ms, 1_151 * ms, AnswerKind.FAILURE_CLOSED)); // before the kill, missed
        h.record(answer("victims", 1_010 * ms, 1_211 * ms, AnswerKind.FAILURE_CLOSED)); // down, its user
        h.record(answer("victims", 1_020 * ms, 1_250 * ms, AnswerKind.ALLOWED)); // down, its user, too late
        h.record(answer("other", 1_030 * ms, 1_040 * ms, AnswerKind.DENIED)); // down, decided in time
        h.record(answer("other", 1_040 * ms, 1_241 * ms, AnswerKind.FAILURE_OPEN)); // down, another user
        blame.restarting(2_000 * ms);
        h.record(answer("other", 2_500 * ms, 2_701 * ms, AnswerKind.FAILURE_CLOSED)); // restarting
        blame.restarted(3_000 * ms);
        h.record(answer("other", 3_100 * ms, 3_400 * ms, AnswerKind.ALLOWED)); // after, too late
        assertThat(blame.summary(h, Duration.ofMillis(200))).isEqualTo("missed 1 before the first kill; "
                + "kill of member 2 (the master, owner of 1 users): "
                + "missed 2 of its users' calls and 1 others' while down, 1 while it restarted, 1 after "
                + "(failure policy 3 of these 5)");
    }

    @Test
    void reportWriterWritesHeaderOnceAndOneRowPerScenario(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.md");
        ScenarioResult row = new ScenarioResult("kill one", "200/s", "kill -9 x1", 10, 5, 0, "0", 0L,
                Duration.ofMillis(4200), true, "");
        ReportWriter.append(report, false, row);
        ReportWriter.append(report, false, row);
        List<String> lines = Files.readAllLines(report);
        assertThat(lines.stream().filter(l -> l.startsWith("| scenario"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("| kill one | 200/s | kill -9 x1 | 10 | 5 | 0 | 0 | 0 | 4.2 s | pass"))).hasSize(2);
    }

    private static AcquireAnswer answer(String user, long sent, long answered, AnswerKind kind) {
        int status = switch (kind) {
            case ALLOWED, FAILURE_OPEN -> 200;
            case DENIED -> 429;
            case FAILURE_CLOSED, SHED -> 503;
            case ERROR -> 0;
        };
        return new AcquireAnswer(AcquireRequest.of(user, "a"), "m", sent, answered, status, kind.name().toLowerCase(), kind, null);
    }
}
