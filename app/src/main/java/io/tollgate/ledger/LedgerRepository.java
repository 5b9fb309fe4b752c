package io.tollgate.ledger;

import io.tollgate.core.LedgerBatch;
import io.tollgate.core.LedgerCursor;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageKey;
import io.tollgate.db.BatchedReads;
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
 * The ledger tables (migrations/sql/V2__ledger.sql, V3). Applying a batch is idempotent: the cursor of
 * its {@code (user, epoch)} decides what of it is new ({@link LedgerCursor}), and the cursor and the
 * usage rows change in the same transaction.
 */
public final class LedgerRepository {
    private final Jdbi jdbi;
    private final long closedPeriodGraceMillis;
    private final BatchedReads<UserPeriod, Totals> totalReads;
    private final FlushEvents flushEvents;

    /** {@code readers}: at most this many of the pool's connections read users' totals at once. */
    public LedgerRepository(Jdbi jdbi, long closedPeriodGraceMillis, int readers) {
        this(jdbi, closedPeriodGraceMillis, readers, FlushEvents.NONE);
    }

    /** {@code flushEvents}: told in each flush transaction what it added (the webhooks' usage_flushed events). */
    public LedgerRepository(Jdbi jdbi, long closedPeriodGraceMillis, int readers, FlushEvents flushEvents) {
        this.flushEvents = flushEvents;
        this.jdbi = jdbi;
        this.closedPeriodGraceMillis = closedPeriodGraceMillis;
        this.totalReads = new BatchedReads<>(wanted -> jdbi.withHandle(h -> totals(h, wanted)), readers, BatchedReads.KEYS_PER_QUERY);
    }

    /** A user's billing period, by its start (epoch ms). */
    public record UserPeriod(String userId, long periodStart) {
    }

    /**
     * What the ledger holds for a user's period after a batch: the total to confirm the batch with.
     * {@code fresh}: the batch added something (false for a re-send).
     */
    public record Applied(LedgerBatch batch, boolean fresh, Totals periodTotal, LedgerCursor cursor) {
    }

    /**
     * Applies every batch (each {@code (user, epoch, seq)} at most once, ever, see {@link LedgerCursor})
     * in one transaction of a few set-based statements, whatever the number of batches; returns each
     * user's period total after it.
     */
    public List<Applied> apply(List<LedgerBatch> batches, Instant now) {
        if (batches.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            Map<String, LedgerCursor> cursors = lockCursors(h, batches);
            Map<String, LedgerCursor> changed = new LinkedHashMap<>();
            Set<LedgerBatch> fresh = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            List<String> users = new ArrayList<>();
            List<Long> periods = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            List<String> apis = new ArrayList<>();
            List<Long> requests = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            List<Long> compute = new ArrayList<>();
            for (LedgerBatch b : batches) {
                String key = cursorKey(b.userId(), b.epoch());
                LedgerCursor before = cursors.getOrDefault(key, LedgerCursor.NONE);
                LedgerCursor.Step step = before.apply(b);
                if (step.changed(before)) {
                    cursors.put(key, step.next());
                    changed.put(key, step.next());
                }
                if (!step.toAdd().isEmpty()) {
                    fresh.add(b);
                }
                for (Map.Entry<UsageKey, Totals> d : step.toAdd().entrySet()) {
                    UsageKey key2 = d.getKey();
                    boolean current = key2.periodStart() == b.periodStart();
                    long periodEnd = current ? b.periodEnd() : b.periodStart();
                    if (!current && now.toEpochMilli() > periodEnd + closedPeriodGraceMillis) {
                        adjust(h, b.userId(), key2.apiId(), key2.periodStart(), d.getValue(),
                                "usage counted after the period closed");
                        continue;
                    }
                    users.add(b.userId());
                    periods.add(key2.periodStart());
                    ends.add(periodEnd);
                    apis.add(key2.apiId());
                    requests.add(d.getValue().requests());
                    bytes.add(d.getValue().bytes());
                    compute.add(d.getValue().computeMs());
                }
            }
            storeCursors(h, changed);
            if (!users.isEmpty()) {
                h.createUpdate("""
                                INSERT INTO usage_ledger (user_id, period_start, api_id, period_end, requests, bandwidth_bytes, compute_ms)
                                SELECT u, to_timestamp(p / 1000.0), a, to_timestamp(e / 1000.0), sum(r), sum(b), sum(c)
                                FROM unnest(:u, :p, :a, :e, :r, :b, :c) AS t(u, p, a, e, r, b, c)
                                GROUP BY u, p, a, e
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
            Map<UserPeriod, Totals> totals = totals(h, batches.stream()
                    .map(b -> new UserPeriod(b.userId(), b.periodStart())).distinct().toList());
            List<Applied> out = new ArrayList<>(batches.size());
            List<Applied> added = new ArrayList<>();
            for (LedgerBatch b : batches) {
                Applied a = new Applied(b, fresh.contains(b), totals.get(new UserPeriod(b.userId(), b.periodStart())),
                        cursors.getOrDefault(cursorKey(b.userId(), b.epoch()), LedgerCursor.NONE));
                out.add(a);
                if (a.fresh()) {
                    added.add(a);
                }
            }
            if (!added.isEmpty()) {
                flushEvents.applied(h, added);
            }
            return out;
        });
    }

    private static String cursorKey(String user, String epoch) {
        return user + '\n' + epoch;
    }

    /**
     * Creates the missing cursors and locks all of this round's, in one order (two members flushing
     * the same user around a migration wait for each other instead of deadlocking).
     */
    private static Map<String, LedgerCursor> lockCursors(Handle h, List<LedgerBatch> batches) {
        List<String> users = new ArrayList<>(batches.size());
        List<String> epochs = new ArrayList<>(batches.size());
        for (LedgerBatch b : batches) {
            users.add(b.userId());
            epochs.add(b.epoch());
        }
        h.createUpdate("""
                        INSERT INTO ledger_cursor (user_id, epoch, last_seq)
                        SELECT u, e, -1 FROM unnest(:u, :e) AS t(u, e) ORDER BY u, e
                        ON CONFLICT (user_id, epoch) DO NOTHING""")
                .bindArray("u", String.class, users).bindArray("e", String.class, epochs)
                .execute();
        Map<String, LedgerCursor> out = new HashMap<>();
        h.createQuery("""
                        SELECT c.user_id, c.epoch, c.last_seq, c.last_deltas::text FROM ledger_cursor c
                        JOIN (SELECT DISTINCT u, e FROM unnest(:u, :e) AS t(u, e)) w ON c.user_id = w.u AND c.epoch = w.e
                        ORDER BY c.user_id, c.epoch
                        FOR UPDATE OF c""")
                .bindArray("u", String.class, users).bindArray("e", String.class, epochs)
                .map((rs, ctx) -> out.put(cursorKey(rs.getString(1), rs.getString(2)),
                        new LedgerCursor(rs.getLong(3), BatchContent.decode(rs.getString(4)))))
                .list();
        return out;
    }

    private static void storeCursors(Handle h, Map<String, LedgerCursor> changed) {
        if (changed.isEmpty()) {
            return;
        }
        List<String> users = new ArrayList<>(changed.size());
        List<String> epochs = new ArrayList<>(changed.size());
        List<Long> seqs = new ArrayList<>(changed.size());
        List<String> contents = new ArrayList<>(changed.size());
        changed.forEach((key, cursor) -> {
            int cut = key.indexOf('\n');
            users.add(key.substring(0, cut));
            epochs.add(key.substring(cut + 1));
            seqs.add(cursor.lastSeq());
            contents.add(BatchContent.encode(cursor.lastDeltas()));
        });
        h.createUpdate("""
                        UPDATE ledger_cursor c SET last_seq = t.s, last_deltas = t.d::jsonb, updated_at = now()
                        FROM unnest(:u, :e, :s, :d) AS t(u, e, s, d)
                        WHERE c.user_id = t.u AND c.epoch = t.e""")
                .bindArray("u", String.class, users).bindArray("e", String.class, epochs)
                .bindArray("s", Long.class, seqs).bindArray("d", String.class, contents)
                .execute();
    }

    /**
     * Each user's total for the given period, adjustments included, in one statement (zero where it has none).
     * Index look-ups per user (LATERAL), whatever the statistics: a join let PostgreSQL keep a plan made while
     * the ledger was nearly empty (a hash join over a scan of the whole table) in a pooled connection's cached
     * statement, and a look-up of 2 users took 20-230 ms once the table held 50,000 rows.
     */
    private static Map<UserPeriod, Totals> totals(Handle h, List<UserPeriod> wanted) {
        List<String> users = new ArrayList<>(wanted.size());
        List<Long> periods = new ArrayList<>(wanted.size());
        for (UserPeriod w : wanted) {
            users.add(w.userId());
            periods.add(w.periodStart());
        }
        Map<UserPeriod, Totals> out = new HashMap<>();
        h.createQuery("""
                        SELECT t.u, t.ms, coalesce(l.r, 0) + coalesce(a.r, 0), coalesce(l.b, 0) + coalesce(a.b, 0),
                               coalesce(l.c, 0) + coalesce(a.c, 0)
                        FROM unnest(:u, :p) AS t(u, ms)
                        CROSS JOIN LATERAL (SELECT sum(requests) AS r, sum(bandwidth_bytes) AS b, sum(compute_ms) AS c
                            FROM usage_ledger WHERE user_id = t.u AND period_start = to_timestamp(t.ms / 1000.0)) l
                        CROSS JOIN LATERAL (SELECT sum(requests) AS r, sum(bandwidth_bytes) AS b, sum(compute_ms) AS c
                            FROM ledger_adjustment WHERE user_id = t.u AND period_start = to_timestamp(t.ms / 1000.0)) a""")
                .bindArray("u", String.class, users).bindArray("p", Long.class, periods)
                .map((rs, ctx) -> out.put(new UserPeriod(rs.getString(1), rs.getLong(2)),
                        new Totals(rs.getLong(3), rs.getLong(4), rs.getLong(5))))
                .list();
        return out;
    }

    /** A user's total for the period starting at {@code periodStart}, adjustments included. */
    public Totals total(String userId, long periodStart) {
        return totalReads.get(new UserPeriod(userId, periodStart));
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
