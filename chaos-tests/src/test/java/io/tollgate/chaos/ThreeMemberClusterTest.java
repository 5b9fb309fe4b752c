package io.tollgate.chaos;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's cluster acceptance: three sidecars in separate JVMs with one PostgreSQL. A FREE user's 10/min limit,
 * asked round-robin over the three, admits exactly 10. After {@code kill -9} of the member owning that user's
 * counters, the survivors still deny the user (the counts survived in the backup) and decisions continue (a fresh
 * user is admitted exactly 10 times on the survivors).
 */
class ThreeMemberClusterTest {

    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();
    private static ClusterHarness cluster;

    /** The {@link SharedCluster}, whole again (fresh users, so other scenarios' counters do not matter). */
    @BeforeAll
    static void startCluster() {
        cluster = SharedCluster.get(SETTINGS);
    }

    @Test
    void freeUserGetsExactlyTenAcrossThreeMembersAndTheCountSurvivesKillingTheOwner() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "free-" + run;
        List<TollgateClient> all = cluster.members().stream().map(MemberProcess::client).toList();

        long firstAdmission = System.nanoTime();
        List<AcquireAnswer> before = new ArrayList<>();
        // A failure-policy answer (a new user's first call reads its policy and ledger base, and can miss the
        // 200 ms timeout on a loaded machine) counts nothing: it is retried as a new call with a new request_id.
        java.util.concurrent.atomic.AtomicInteger attempt = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 30; i++) {
            TollgateClient member = all.get(i % 3);
            before.add(Await.value("a decision from member " + i % 3, Duration.ofSeconds(20),
                    () -> member.acquire(AcquireRequest.of(user, "api-a")
                            .withRequestId(run + "-" + attempt.getAndIncrement())),
                    a -> a.allowed() || a.denied()));
        }
        assertThat(before).as("every answer is a decision").allMatch(a -> a.allowed() || a.denied());
        assertThat(before.stream().filter(AcquireAnswer::allowed)).as("admitted of 30").hasSize(10);
        assertThat(before.subList(0, 10)).as("the first ten are the admitted ones").allMatch(AcquireAnswer::allowed);
        assertThat(before.stream().filter(AcquireAnswer::denied)).allMatch(a -> a.status() == 429
                && "denied_rate".equals(a.outcome()));

        int owner = cluster.ownerIndexOf(user);
        long kill = System.nanoTime();
        cluster.kill(owner);
        cluster.awaitMembership(2, Duration.ofSeconds(30));
        Duration membershipRecovered = Duration.ofNanos(System.nanoTime() - kill);

        // The survivors must still deny: the ten admissions are in the backup. Answers of the failure policy while
        // partitions migrate are retried, each try a new call with its own request_id (a request_id answered
        // failure_closed keeps that answer: its operation is cancelled for good); an admission is a lost count
        // and fails the test.
        List<AcquireAnswer> after = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger seq = new java.util.concurrent.atomic.AtomicInteger(100);
        for (MemberProcess survivor : cluster.liveMembers()) {
            for (int i = 0; i < 3; i++) {
                after.add(Await.value("a decision from " + survivor.name(), Duration.ofSeconds(20),
                        () -> survivor.client().acquire(AcquireRequest.of(user, "api-a")
                                .withRequestId(run + "-" + seq.getAndIncrement())),
                        a -> a.allowed() || a.denied()));
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - firstAdmission))
                .as("still inside the minute window, so a denial proves the count survived")
                .isLessThan(Duration.ofSeconds(58));
        assertThat(after).as("survivors still deny %s after its owner %s was killed", user, owner)
                .allMatch(AcquireAnswer::denied);

        String fresh = "fresh-" + run;
        List<TollgateClient> survivors = cluster.liveMembers().stream().map(MemberProcess::client).toList();
        List<AcquireAnswer> freshAnswers = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            TollgateClient survivor = survivors.get(i % survivors.size());
            freshAnswers.add(Await.value("a decision for a fresh user", Duration.ofSeconds(20),
                    () -> survivor.acquire(AcquireRequest.of(fresh, "api-a")
                            .withRequestId(run + "-f" + attempt.getAndIncrement())),
                    a -> a.allowed() || a.denied()));
        }
        assertThat(freshAnswers).as("decisions continue on the survivors").allMatch(a -> a.allowed() || a.denied());
        assertThat(freshAnswers.stream().filter(AcquireAnswer::allowed)).hasSize(10);

        ReportWriter.append(SETTINGS, new ScenarioResult("three members, FREE user round-robin, kill -9 owner",
                "30 + 6 + 15 sequential acquires", "kill -9 owner (member " + owner + ")",
                before.stream().filter(AcquireAnswer::allowed).count() + freshAnswers.stream().filter(AcquireAnswer::allowed).count(),
                before.stream().filter(AcquireAnswer::denied).count() + after.size() + freshAnswers.stream().filter(AcquireAnswer::denied).count(),
                0, "0", null, membershipRecovered, true, "membership back to 2 members"));
    }
}
