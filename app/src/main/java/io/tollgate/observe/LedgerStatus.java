package io.tollgate.observe;

/**
 * What the ledger tells the metrics (wired by the composition root with
 * {@code Observability.ledgerStatus(...)}; until then the ledger gauges read 0). Read at scrape time
 * from any thread: implementations return values they already hold, without I/O.
 */
public interface LedgerStatus {
    /** Users whose entries this member owns with usage the ledger has not confirmed. */
    long backlogUsers();

    /** Request units in those entries not yet confirmed by the ledger. */
    long backlogRequests();

    /** Age in seconds of the oldest unconfirmed usage on this member (0 when none). */
    double flushLagSeconds();

    /** False when the ledger's last write failed for a database reason. */
    boolean databaseUp();
}
