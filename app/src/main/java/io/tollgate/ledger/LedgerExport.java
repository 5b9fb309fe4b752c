package io.tollgate.ledger;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;

/**
 * One billing period of every user, per API, read for billing in one pass.
 *
 * <p>Rows stream from PostgreSQL through a server-side cursor ({@value #FETCH} rows at a time, inside one
 * read-only REPEATABLE READ transaction), so memory stays flat whatever the number of users, and the
 * header and every row come from one snapshot. Rows are ordered by user and API.
 *
 * <p><b>Same bytes again.</b> The {@code position} is the highest adjustment id the export includes; usage
 * rows of a closed period never change (late usage becomes adjustments), so an export of a closed period at
 * the same position is the same, row for row. An open period's usage still grows.
 */
public final class LedgerExport {
    static final int FETCH = 2000;

    private final Jdbi jdbi;
    private final long closedPeriodGraceMillis;

    public LedgerExport(Jdbi jdbi, long closedPeriodGraceMillis) {
        this.jdbi = jdbi;
        this.closedPeriodGraceMillis = closedPeriodGraceMillis;
    }

    /**
     * What the export reflects. {@code closed}: the period ended more than the closed-period grace ago, so no
     * more usage is added to its rows. {@code periodEnd} null when the period has no usage rows and was not
     * given.
     */
    public record Header(Instant periodStart, Instant periodEnd, boolean closed, long position) {
    }

    /** One user's usage of one API in the period, and the adjustments recorded for it up to the position. */
    public record Row(String userId, String apiId, String tier, long requests, long bandwidthBytes, long computeMs,
                      long adjustedRequests, long adjustedBandwidthBytes, long adjustedComputeMs) {
    }

    /**
     * Streams the period starting at {@code periodStart}: {@code header} first, then every row. {@code knownEnd}
     * (nullable) is the period's end when the caller knows it; {@code position} (nullable) replays an earlier
     * export's adjustments.
     */
    public void stream(Instant periodStart, Instant knownEnd, Long position, Instant now, Consumer<Header> header,
                       Consumer<Row> rows) {
        OffsetDateTime p = OffsetDateTime.ofInstant(periodStart, ZoneOffset.UTC);
        jdbi.useTransaction(TransactionIsolationLevel.REPEATABLE_READ, h -> {
            h.execute("SET TRANSACTION READ ONLY");
            long latest = h.createQuery("SELECT coalesce(max(id), 0) FROM ledger_adjustment").mapTo(Long.class).one();
            long at = position == null ? latest : Math.min(position, latest);
            Timestamp end = h.createQuery("SELECT max(period_end) FROM usage_ledger WHERE period_start = :p")
                    .bind("p", p).mapTo(Timestamp.class).findOne().orElse(null);
            Instant periodEnd = end != null ? end.toInstant() : knownEnd;
            boolean closed = periodEnd != null && now.toEpochMilli() > periodEnd.toEpochMilli() + closedPeriodGraceMillis;
            header.accept(new Header(periodStart, periodEnd, closed, at));
            h.createQuery("""
                            SELECT coalesce(u.user_id, a.user_id) AS user_id, coalesce(u.api_id, a.api_id) AS api_id,
                                   coalesce(pol.tier, 'free'),
                                   coalesce(u.requests, 0), coalesce(u.bandwidth_bytes, 0), coalesce(u.compute_ms, 0),
                                   coalesce(a.requests, 0), coalesce(a.bandwidth_bytes, 0), coalesce(a.compute_ms, 0)
                            FROM (SELECT user_id, api_id, requests, bandwidth_bytes, compute_ms
                                  FROM usage_ledger WHERE period_start = :p) u
                            FULL JOIN (SELECT user_id, api_id, sum(requests) AS requests,
                                              sum(bandwidth_bytes) AS bandwidth_bytes, sum(compute_ms) AS compute_ms
                                       FROM ledger_adjustment WHERE period_start = :p AND id <= :at
                                       GROUP BY user_id, api_id) a
                                ON a.user_id = u.user_id AND a.api_id = u.api_id
                            LEFT JOIN user_policy pol ON pol.user_id = coalesce(u.user_id, a.user_id)
                            ORDER BY 1, 2""")
                    .bind("p", p).bind("at", at)
                    .setFetchSize(FETCH)
                    .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)))
                    .useStream(s -> s.forEach(rows));
        });
    }
}
