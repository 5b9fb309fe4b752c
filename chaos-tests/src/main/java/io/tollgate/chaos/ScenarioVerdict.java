package io.tollgate.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers a scenario's measurements (ledger, limits, availability, recovery) and named pass criteria into one
 * report row, writes the row, and then fails the test listing every criterion that did not hold. Writing first
 * means a failing scenario still leaves its numbers in the report.
 */
public final class ScenarioVerdict {

    private final String scenario;
    private final ScenarioRun run;
    private final ClusterHarness cluster;
    private final String faults;
    private final List<String> failed = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private LedgerChecker.Result ledger;
    private String overAdmission;
    private Duration recovery;

    public ScenarioVerdict(String scenario, ScenarioRun run, ClusterHarness cluster, String faults) {
        this.scenario = scenario;
        this.run = run;
        this.cluster = cluster;
        this.faults = faults;
    }

    /** Checks the ledger; if it cannot be read at all, that is recorded as a failed criterion and null returned. */
    public LedgerChecker.Result ledger(Duration settle) {
        try {
            ledger = LedgerChecker.check(cluster, run.history(), run.allUsers(), settle);
        } catch (RuntimeException | AssertionError e) {
            failed.add("ledger readable (" + TollgateClient.truncate(e.getMessage()) + ")");
            return null;
        }
        if (ledger.indeterminate() > 0) {
            notes.add(ledger.indeterminate() + " indeterminate answers resolved by retry");
        }
        if (!ledger.exact()) {
            notes.add("ledger mismatches: " + ledger.mismatches());
        }
        return ledger;
    }

    /** Checks FREE users against 10/min and the hot user against its per-minute limit; returns the larger share of excess. */
    public double limits() {
        LimitChecker.Result free = LimitChecker.check(run.history(), run.freeUsers(), Duration.ofMinutes(1), 10);
        long hotLimit = run.hotLimitPerMinute();
        LimitChecker.Result hot = LimitChecker.check(run.history(), List.of(run.hotUser()), Duration.ofMinutes(1), hotLimit);
        overAdmission = "free +" + free.maxExcess() + "/10, hot +" + hot.maxExcess() + "/" + hotLimit + " (max "
                + hot.maxAdmittedPerUser().get(run.hotUser()) + ")";
        return Math.max(free.overAdmissionShareOfLimit(), hot.overAdmissionShareOfLimit());
    }

    /** Whether the ledger is exact; null when it could not be read (recorded as a failed criterion). */
    public Boolean ledgerExact(Duration settle) {
        LedgerChecker.Result r = ledger(settle);
        return r == null ? null : r.exact();
    }

    public AvailabilityChecker.Result availability() {
        AvailabilityChecker.Result a = AvailabilityChecker.check(run.history(), cluster.options().decisionTimeout());
        notes.add("availability " + a);
        return a;
    }

    public void recovery(Duration d) {
        this.recovery = d;
    }

    public void note(String text) {
        notes.add(text);
    }

    /** Records a pass criterion; a false one fails the scenario (after the row is written). */
    public ScenarioVerdict require(String criterion, boolean holds) {
        return require(criterion, Boolean.valueOf(holds));
    }

    /** Like {@link #require(String, boolean)}; null (not measured, already recorded as failed) adds nothing. */
    public ScenarioVerdict require(String criterion, Boolean holds) {
        if (holds == null) {
            return this;
        }
        if (!holds) {
            failed.add(criterion);
        }
        return this;
    }

    /**
     * A criterion from the issue that Tollgate does not promise on every machine (availability on a
     * loaded 2-core box under kills): measured and shown in the row ("target missed: ..."), but it does
     * not fail the test, which guards the invariants (ledger, limits, recovery).
     */
    public ScenarioVerdict target(String criterion, boolean holds) {
        if (!holds) {
            notes.add(0, "target missed: " + criterion);
        }
        return this;
    }

    /** Writes the report row, then throws if any criterion failed. */
    public void reportAndAssert() {
        History h = run.history();
        List<String> all = new ArrayList<>();
        if (!failed.isEmpty()) {
            all.add("failed: " + String.join("; ", failed));
        }
        all.addAll(notes);
        ScenarioResult row = new ScenarioResult(scenario, run.load(), faults,
                h.count(AnswerKind.ALLOWED), h.count(AnswerKind.DENIED),
                h.count(AnswerKind.ERROR) + h.count(AnswerKind.FAILURE_CLOSED) + h.count(AnswerKind.FAILURE_OPEN),
                overAdmission, ledger == null ? null : ledger.difference(), recovery, failed.isEmpty(),
                String.join("; ", all));
        ReportWriter.evidence(cluster.settings(), scenario, h, failed.isEmpty());
        ReportWriter.append(cluster.settings(), row);
        if (!failed.isEmpty()) {
            throw new AssertionError(scenario + " failed: " + failed + "\n" + h.summary() + "\n" + row.markdownRow());
        }
    }
}
