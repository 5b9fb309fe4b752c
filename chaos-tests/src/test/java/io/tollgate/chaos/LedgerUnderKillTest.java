package io.tollgate.chaos;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's cluster acceptance: the PostgreSQL ledger is exact under {@code kill -9}. Three members under steady
 * acquire load (ENTERPRISE users, so nearly everything is admitted and must be billed, and FREE users, so denials
 * are exercised too), one member killed mid-load; after a few flush intervals the ledger total per user equals the
 * number of acquires answered {@code allowed}. And an idempotent retry (the same request_id, to different members)
 * counts once. Duration: 20 s by default, 120 s with -Dchaos.long=true.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerUnderKillTest {

    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();
    private static ClusterHarness cluster;

    /** The {@link SharedCluster}, whole again before each test. */
    @BeforeEach
    void wholeCluster() {
        cluster = SharedCluster.get(SETTINGS);
    }

    @Test
    @Order(1)
    void theSameRequestIdSentToEveryMemberCountsOnce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "idem-" + run;
        cluster.setTier(user, "enterprise");
        List<AcquireAnswer> answers = new ArrayList<>();
        for (int id = 0; id < 5; id++) {
            for (int round = 0; round < 2; round++) {
                for (MemberProcess m : cluster.members()) {
                    answers.add(m.client().acquire(AcquireRequest.of(user, "api-idem").withRequestId(run + "-" + id)));
                }
            }
        }
        assertThat(answers).as("every retry returns the first answer: allowed").allMatch(AcquireAnswer::allowed);
        long ledger = Await.value("the ledger to hold 5 requests for " + user, Duration.ofSeconds(15),
                () -> cluster.anyLiveClient().ledgerRequests(user), total -> total == 5);
        assertThat(ledger).isEqualTo(5);
        // Nothing trickles in later: a further flush interval must not change the total.
        Await.sleep(cluster.options().flushInterval().multipliedBy(3));
        assertThat(cluster.anyLiveClient().ledgerRequests(user)).isEqualTo(5);
    }

    @Test
    @Order(2)
    void ledgerEqualsAllowedAnswersPerUserAfterKillingAMemberUnderLoad() {
        Duration duration = SETTINGS.duration(Duration.ofSeconds(20), Duration.ofSeconds(120));
        int rate = SETTINGS.rate(100, 200);
        ScenarioRun run = new ScenarioRun(20, 2, rate, duration);
        run.prepare(cluster);
        int victim = cluster.ownerIndexOf(run.enterpriseUsers().get(0));
        History history = run.run(cluster, (c, h) -> {
            Await.sleep(duration.dividedBy(3));
            h.memberDown(c.member(victim), "kill -9");
            c.kill(victim);
        });
        long kill = history.events().get(0).nanos();
        Duration whole = RecoveryClock.awaitWhole(cluster, kill, Duration.ofSeconds(30)).orElse(null);

        LedgerChecker.Result ledger = LedgerChecker.check(cluster, history, run.allUsers(),
                cluster.options().flushInterval().multipliedBy(10));
        LimitChecker.Result freeLimits = LimitChecker.check(history, run.freeUsers(), Duration.ofMinutes(1), 10);
        AvailabilityChecker.Result availability = AvailabilityChecker.check(history, cluster.options().decisionTimeout());
        boolean pass = ledger.exact() && freeLimits.withinLimit();
        ReportWriter.evidence(SETTINGS, "ledger exactness, kill -9 one of three", history, pass);
        ReportWriter.append(SETTINGS, new ScenarioResult("ledger exactness, kill -9 one of three", run.load(),
                "kill -9 member " + victim + " at " + duration.dividedBy(3).toSeconds() + " s",
                history.count(AnswerKind.ALLOWED), history.count(AnswerKind.DENIED),
                history.count(AnswerKind.ERROR) + history.count(AnswerKind.FAILURE_CLOSED) + history.count(AnswerKind.FAILURE_OPEN),
                Long.toString(freeLimits.maxExcess()), ledger.difference(),
                whole == null ? null : RecoveryClock.recovery(whole, RecoveryClock.lastDisturbance(history, kill)), pass,
                availability + "; " + ledger.indeterminate() + " indeterminate resolved by retry ("
                        + ledger.resolvedAllowed() + " of them allowed)"
                        + (ledger.exact() ? "" : "; ledger mismatches: " + ledger.mismatches())));

        assertThat(ledger.mismatches()).as("per user, ledger total == acquires answered allowed").isEmpty();
        assertThat(history.count(AnswerKind.ALLOWED)).as(history.summary()).isGreaterThan(duration.toSeconds() * rate / 2);
        assertThat(freeLimits.maxExcess()).as("FREE users never get more than 10 in a minute").isZero();
        assertThat(whole).as("cluster whole again within 30 s").isNotNull();
    }
}
