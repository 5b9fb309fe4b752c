package io.tollgate.ledger;

import io.tollgate.core.BillingPeriod;
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
import java.util.HashSet;
import java.util.Set;
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

    /**
     * Applies every batch (each at most once, ever) in one transaction of a few set-based statements,
     * whatever the number of batches; returns each user's period total after it.
     */
    public List<Applied> apply(List<LedgerBatch> batches, Instant now) {
        if (batches.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            Set<String> fresh = advanceCursors(h, batches);
            List<String> users = new ArrayList<>();
            List<Long> periods = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            List<String> apis = new ArrayList<>();
            List<Long> requests = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            List<Long> compute = new ArrayList<>();
            for (LedgerBatch b : batches) {
                if (!fresh.contains(b.userId() + '\n' + b.epoch())) {
                    continue;
                }
                for (Map.Entry<UsageKey, Totals> d : b.deltas().entrySet()) {
                    UsageKey key = d.getKey();
                    boolean current = key.periodStart() == b.periodStart();
                    long periodEnd = current ? b.periodEnd() : b.periodStart();
                    if (!current && now.toEpochMilli() > periodEnd + closedPeriodGraceMillis) {
                        adjust(h, b.userId(), key.apiId(), key.periodStart(), d.getValue(),
                                "usage counted after the period closed");
                        continue;
                    }
                    users.add(b.userId());
                    periods.add(key.periodStart());
                    ends.add(periodEnd);
                    apis.add(key.apiId());
                    requests.add(d.getValue().requests());
                    bytes.add(d.getValue().bytes());
                    compute.add(d.getValue().computeMs());
                }
            }
            if (!users.isEmpty()) {
                h.createUpdate("""
                                INSERT INTO usage_ledger (user_id, period_start, api_id, period_end, requests, bandwidth_bytes, compute_ms)
                                SELECT u, to_timestamp(p / 1000.0), a, to_timestamp(e / 1000.0), r, b, c
                                FROM unnest(:u, :p, :a, :e, :r, :b, :c) AS t(u, p, a, e, r, b, c)
                                ON CONFLICT (user_id, period_start, api_id) DO UPDATE SET
                                    requests = usage_ledger.requests + EXCLUDED.requests,
                                    bandwidth_bytes = usage_ledger.bandwidth_bytes + EXCLUDED.bandwidth_bytes,
                                    compute_ms = usage_ledger.compute_ms + EXCLUDED.compute_ms,
                                    updated_at = now()""")
                        .bindArray("u", String.class, users).bindArray("p", Long.class, periods)
                        .bindArray("a", String.class, apis).bindArray("e", Long.class, ends)
                        .bindArray("r", Long.class, requests).bindArray("b", Long.class, bytes)
                        .bindArray("c", Long.class, compute)
                        .execute();
            }
            Map<String, Totals> totals = totals(h, batches);
            List<Applied> out = new ArrayList<>(batches.size());
            for (LedgerBatch b : batches) {
                out.add(new Applied(b, fresh.contains(b.userId() + '\n' + b.epoch()),
                        totals.getOrDefault(b.userId(), Totals.ZERO)));
            }
            return out;
        });
    }

    /** Advances every batch's cursor that is behind it; returns "user\nepoch" of the batches that were new. */
    private static Set<String> advanceCursors(Handle h, List<LedgerBatch> batches) {
        List<String> users = new ArrayList<>(batches.size());
        List<String> epochs = new ArrayList<>(batches.size());
        List<Long> seqs = new ArrayList<>(batches.size());
        for (LedgerBatch b : batches) {
            users.add(b.userId());
            epochs.add(b.epoch());
            seqs.add(b.seq());
        }
        Set<String> fresh = new HashSet<>();
        h.createQuery("""
                        INSERT INTO ledger_cursor (user_id, epoch, last_seq)
                        SELECT u, e, s FROM unnest(:u, :e, :s) AS t(u, e, s)
                        ON CONFLICT (user_id, epoch) DO UPDATE SET last_seq = EXCLUDED.last_seq, updated_at = now()
                        WHERE ledger_cursor.last_seq < EXCLUDED.last_seq
                        RETURNING user_id, epoch""")
                .bindArray("u", String.class, users).bindArray("e", String.class, epochs).bindArray("s", Long.class, seqs)
                .map((rs, ctx) -> fresh.add(rs.getString(1) + '\n' + rs.getString(2)))
                .list();
        return fresh;
    }

    /** Each batch's user total for the batch's current period, adjustments included. */
    private static Map<String, Totals> totals(Handle h, List<LedgerBatch> batches) {
        List<String> users = new ArrayList<>(batches.size());
        List<Long> periods = new ArrayList<>(batches.size());
        for (LedgerBatch b : batches) {
            users.add(b.userId());
            periods.add(b.periodStart());
        }
        Map<String, Totals> out = new HashMap<>();
        h.createQuery("""
                        WITH wanted AS (SELECT u, to_timestamp(p / 1000.0) AS p FROM unnest(:u, :p) AS t(u, p))
                        SELECT w.u, coalesce(sum(x.requests), 0), coalesce(sum(x.bandwidth_bytes), 0), coalesce(sum(x.compute_ms), 0)
                        FROM wanted w LEFT JOIN (
                            SELECT user_id, period_start, requests, bandwidth_bytes, compute_ms FROM usage_ledger
                            UNION ALL
                            SELECT user_id, period_start, requests, bandwidth_bytes, compute_ms FROM ledger_adjustment
                        ) x ON x.user_id = w.u AND x.period_start = w.p
                        GROUP BY w.u""")
                .bindArray("u", String.class, users).bindArray("p", Long.class, periods)
                .map((rs, ctx) -> out.put(rs.getString(1), new Totals(rs.getLong(2), rs.getLong(3), rs.getLong(4))))
                .list();
        return out;
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

    /** A user's usage in the period (as recorded in the ledger) that contains {@code at}. */
    public record PeriodTotal(BillingPeriod period, Totals total) {
    }

    /** The ledger's total for the user's period containing {@code at}; null when the ledger has none. */
    public PeriodTotal currentPeriod(String userId, Instant at) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT period_start, max(period_end), sum(requests), sum(bandwidth_bytes), sum(compute_ms)
                        FROM usage_ledger WHERE user_id = :u AND period_start <= :t AND period_end > :t
                        GROUP BY period_start ORDER BY period_start DESC LIMIT 1""")
                .bind("u", userId).bind("t", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .map((rs, ctx) -> new PeriodTotal(new BillingPeriod(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, OffsetDateTime.class).toInstant()),
                        new Totals(rs.getLong(3), rs.getLong(4), rs.getLong(5))))
                .findOne().orElse(null));
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

    /** Users with ledger rows in a period containing {@code at} (pre-loading the cluster on start). */
    public List<String> activeUsersAt(Instant at) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT DISTINCT user_id FROM usage_ledger WHERE period_start <= :t AND period_end > :t")
                .bind("t", OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).mapTo(String.class).list());
    }

    public void adjust(String userId, String apiId, long periodStart, Totals delta, String reason) {
        jdbi.useHandle(h -> adjust(h, userId, apiId, periodStart, delta, reason));
    }

    private static void adjust(Handle h, String userId, String apiId, long periodStart, Totals delta, String reason) {
        h.createUpdate("""
                        INSERT INTO ledger_adjustment (user_id, period_start, api_id, requests, bandwidth_bytes, compute_ms, reason)
                        VALUES (:u, :p, :a, :r, :b, :c, :why)""")
                .bind("u", userId).bind("p", ts(periodStart)).bind("a", apiId)
                .bind("r", delta.requests()).bind("b", delta.bytes()).bind("c", delta.computeMs()).bind("why", reason)
                .execute();
    }

    private static OffsetDateTime ts(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
