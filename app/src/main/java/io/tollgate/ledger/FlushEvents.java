package io.tollgate.ledger;

import org.jdbi.v3.core.Handle;

import java.util.List;

/**
 * Told, inside the ledger's flush transaction, which batches added usage: what it writes on {@code h} (the
 * webhooks' outbox) commits or rolls back with the usage itself. Must not swallow a database error (the
 * transaction must fail with it) and must not call anything slow but the database.
 */
public interface FlushEvents {
    void applied(Handle h, List<LedgerRepository.Applied> fresh);

    FlushEvents NONE = (h, fresh) -> { };
}
