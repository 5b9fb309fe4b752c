package io.tollgate.chaos;

import java.time.Duration;

/**
 * One row of the chaos report. Values that a scenario did not measure are null and print as "n/a"; {@code notes}
 * says in a few words why a row failed or what it assumed.
 */
public record ScenarioResult(String scenario, String load, String faults, long allowed, long denied, long errors,
                             String overAdmission, Long ledgerDifference, Duration recovery, boolean pass, String notes) {

    public String markdownRow() {
        return "| " + String.join(" | ", scenario, load, faults, Long.toString(allowed), Long.toString(denied),
                Long.toString(errors), overAdmission == null ? "n/a" : overAdmission,
                ledgerDifference == null ? "n/a" : Long.toString(ledgerDifference),
                recovery == null ? "n/a" : String.format("%.1f s", recovery.toMillis() / 1000.0),
                pass ? "pass" : "**FAIL**", notes == null ? "" : notes.replace('|', '/').replace('\n', ' ')) + " |";
    }

    public static String markdownHeader() {
        return "| scenario | load | faults | allowed | denied | errors | over-admission | ledger difference | recovery | result | notes |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
