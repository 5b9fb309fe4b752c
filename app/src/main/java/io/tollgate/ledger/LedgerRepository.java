package io.tollgate.ledger;

import io.tollgate.core.LedgerBatch;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageKey;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger tables (migrations/sql/V2__ledger.sql). Applying a batch is idempotent: the batch's
 * {@code (user, epoch, seq)} advances {@code ledger_cursor} only if seq is new, and only then are its
 * deltas added, in the same transaction.
 */
public final class LedgerRepository {
    private final Jdbi jdbi;
    private final long closedPeriodGraceMillis;

    public LedgerRepository(Jdbi jdbi, long closedPeriodGraceMillis) {
        this.jdbi = jdbi;
        this.closedPeriodGraceMillis = closedPeriodGraceMillis;
    }

    /** What the ledger holds for a user's period after a batch: the total to confirm the batch with. */
    public record Applied(LedgerBatch batch, boolean fresh, Totals periodTotal) {
    }

    /** Applies every batch (each at most once, ever) in one transaction; returns each user's period total. */
    public List<Applied> apply(List<LedgerBatch> batches, Instant now) {
        return jdbi.inTransaction(h -> {
            List<Applied> out = new ArrayList<>(batches.size());
            for (LedgerBatch b : batches) {
                boolean fresh = advanceCursor(h, b);
                if (fresh) {
                    for (Map.Entry<UsageKey, Totals> d : b.deltas().entrySet()) {
                        addDelta(h, b, d.getKey(), d.getValue(), now);
                    }
                }
                out.add(new Applied(b, fresh, total(h, b.userId(), b.periodStart())));
            }
            return out;
        });
    }

    private static boolean advanceCursor(Handle h, LedgerBatch b) {
        return h.createUpdate("""
                        INSERT INTO ledger_cursor (user_id, epoch, last_seq) VALUES (:u, :e, :s)
                        ON CONFLICT (user_id, epoch) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = now()
                        WHERE ledger_cursor.last_seq < EXCLUDED.last_seq""")
                .bind("u", b.userId()).bind("e", b.epoch()).bind("s", b.seq())
                .execute() == 1;
    }

    private void addDelta(Handle h, LedgerBatch b, UsageKey key, Totals d, Instant now) {
        boolean current = key.periodStart() == b.periodStart();
        long periodEnd = current ? b.periodEnd() : b.periodStart();
        boolean closed = !current && now.toEpochMilli() > periodEnd + closedPeriodGraceMillis;
        if (closed) {
            h.createUpdate("""
                            INSERT INTO ledger_adjustment (user_id, period_start, api_id, requests, bandwidth_bytes, compute_ms, reason)
                            VALUES (:u, :p, :a, :r, :b, :c, 'usage counted after the period closed')""")
                    .bind("u", b.userId()).bind("p", ts(key.periodStart())).bind("a", key.apiId())
                    .bind("r", d.requests()).bind("b", d.bytes()).bind("c", d.computeMs()).execute();
            return;
        }
        h.createUpdate("""
                        INSERT INTO usage_ledger (user_id, period_start, api_id, period_end, requests, bandwidth_bytes, compute_ms)
                        VALUES (:u, :p, :a, :e, :r, :b, :c)
                        ON CONFLICT (user_id, period_start, api_id) DO UPDATE SET
                            requests = usage_ledger.requests + EXCLUDED.requests,
                            bandwidth_bytes = usage_ledger.bandwidth_bytes + EXCLUDED.bandwidth_bytes,
                            compute_ms = usage_ledger.compute_ms + EXCLUDED.compute_ms,
                            updated_at = now()""")
                .bind("u", b.userId()).bind("p", ts(key.periodStart())).bind("a", key.apiId()).bind("e", ts(periodEnd))
                .bind("r", d.requests()).bind("b", d.bytes()).bind("c", d.computeMs()).execute();
    }

    /** A user's total for the period starting at {@code periodStart}, adjustments included. */
    public Totals total(String userId, long periodStart) {
        return jdbi.withHandle(h -> total(h, userId, periodStart));
    }

    private static Totals total(Handle h, String userId, long periodStart) {
        return h.createQuery("""
                        SELECT coalesce(sum(requests), 0), coalesce(sum(bandwidth_bytes), 0), coalesce(sum(compute_ms), 0) FROM (
                            SELECT requests, bandwidth_bytes, compute_ms FROM usage_ledger WHERE user_id = :u AND period_start = :p
                            UNION ALL
                            SELECT requests, bandwidth_bytes, compute_ms FROM ledger_adjustment WHERE user_id = :u AND period_start = :p
                        ) t""")
                .bind("u", userId).bind("p", ts(periodStart))
                .map((rs, ctx) -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .one();
    }

    /** Per-API totals of a user's period, adjustments included. */
    public Map<String, Totals> byApi(String userId, long periodStart) {
        Map<String, Totals> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT api_id, sum(requests), sum(bandwidth_bytes), sum(compute_ms) FROM (
                            SELECT api_id, requests, bandwidth_bytes, compute_ms FROM usage_ledger WHERE user_id = :u AND period_start = :p
                            UNION ALL
                            SELECT api_id, requests, bandwidth_bytes, compute_ms FROM ledger_adjustment WHERE user_id = :u AND period_start = :p
                        ) t GROUP BY api_id ORDER BY api_id""")
                .bind("u", userId).bind("p", ts(periodStart))
                .map((rs, ctx) -> out.put(rs.getString(1), new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .list());
        return out;
    }

    /** Every user's total for periods that contain {@code at}, keyed by user. */
    public Map<String, Totals> totalsAt(Instant at) {
        Map<String, Totals> out = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT user_id, sum(requests), sum(bandwidth_bytes), sum(compute_ms) FROM usage_ledger
                        WHERE period_start <= :t AND period_end > :t GROUP BY user_id""")
                .bind("t", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .map((rs, ctx) -> out.put(rs.getString(1), new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .list());
        return out;
    }

    /** Users with ledger rows in a period containing {@code at} (pre-loading the cluster on start). */
    public List<String> activeUsersAt(Instant at) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT DISTINCT user_id FROM usage_ledger WHERE period_start <= :t AND period_end > :t")
                .bind("t", OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).mapTo(String.class).list());
    }

    public void adjust(String userId, String apiId, long periodStart, Totals delta, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO ledger_adjustment (user_id, period_start, api_id, requests, bandwidth_bytes, compute_ms, reason)
                        VALUES (:u, :p, :a, :r, :b, :c, :why)""")
                .bind("u", userId).bind("p", ts(periodStart)).bind("a", apiId)
                .bind("r", delta.requests()).bind("b", delta.bytes()).bind("c", delta.computeMs()).bind("why", reason)
                .execute());
    }

    private static OffsetDateTime ts(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
