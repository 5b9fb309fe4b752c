package io.tollgate.ledger;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.DirtyUsers;
import io.tollgate.cluster.FlushProcessor;
import io.tollgate.core.LedgerBatch;
import io.tollgate.core.UserState;
import io.tollgate.observe.DbTimer;
import io.tollgate.observe.LedgerTelemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the PostgreSQL ledger up to date with the usage counted in the cluster, exactly once.
 *
 * <h2>Design note</h2>
 * <b>What runs where.</b> Counting happens at the owner of each user's key, inside the entry
 * processor that admits the call ({@code UserRules.acquire}): the call's units go into the entry's
 * {@code pending} usage in the same atomic step that decides the call, and Hazelcast's synchronous
 * backup copies the result before the caller is answered. Every member runs this flusher every
 * {@code tollgate.ledger.flush-interval} (default 1 s) for the keys it owns:
 * <ol>
 *   <li>PREPARE (entry processor, atomic on the key): if the entry has an unconfirmed batch, hand it
 *       out again; otherwise move {@code pending} into a new batch {@code (user, epoch, seq)}.</li>
 *   <li>WRITE (one PostgreSQL transaction for all batches of the round): for each batch, advance
 *       {@code ledger_cursor(user, epoch)} to {@code seq} only if it is new, and only then add the
 *       batch's deltas to {@code usage_ledger}. Re-sending a batch changes nothing.</li>
 *   <li>CONFIRM (entry processor): if the entry's unconfirmed batch is still {@code seq}, drop it
 *       and take the ledger's new period total as the entry's confirmed base.</li>
 * </ol>
 * <b>Crash points</b> (one member killed at any moment; its keys' backups are promoted with every
 * change that was acknowledged):
 * <ul>
 *   <li>before or during PREPARE: the usage is still pending in the promoted copy; the new owner's
 *       flusher batches it. Nothing lost, nothing doubled.</li>
 *   <li>after PREPARE, before the transaction commits: the promoted copy holds the same batch
 *       (same seq); the new owner writes it. The rolled-back transaction wrote nothing.</li>
 *   <li>after the commit, before CONFIRM: the promoted copy still holds the batch; the new owner
 *       writes it again and the cursor ignores it, then confirms. Nothing doubled.</li>
 *   <li>after CONFIRM: done.</li>
 *   <li>an admitted call whose answer never reached the caller: counted, because it was admitted.
 *       A retry with the same request_id is recognised (idempotency map and the entry's operation
 *       ids) and not counted again.</li>
 * </ul>
 * Two members may flush the same key around a migration; both send the same {@code (epoch, seq)},
 * so one write is ignored and one confirmation is a no-op. Keys are found through the entries'
 * dirty marks ({@code DirtyUsers}), which backups keep too; an entry moved by a migration or written
 * by a split-brain merge has none on its new owner, so every 10 rounds the owned entries are
 * searched for unflushed usage.
 * <b>Two copies counting at once</b> (a partition, or an owner frozen past failure detection, while
 * its backup was promoted): the promoted copy is claimed by its new owner, sealing the old owner's
 * pending usage into a batch of the old epoch and counting under a new one; for the same
 * {@code (epoch, seq)} one copy's batch then contains the other's, and the ledger adds only the
 * difference ({@code LedgerCursor}). At the merge the kept entry absorbs the other side's unflushed
 * batches ({@code UserStateMergePolicy}). {@code DivergentCopiesProperties} checks the rule for any
 * interleaving.
 * <b>Whole-cluster loss</b> loses what no flush had committed yet: at most one flush interval of
 * usage (plus any backlog while PostgreSQL was down). <b>PostgreSQL down:</b> limiting goes on;
 * batches stay in the entries (backed up, never expiring while unconfirmed) and drain when the
 * database answers again; the backlog is visible in readiness and metrics.
 */
public final class LedgerFlusher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LedgerFlusher.class.getName());
    private static final int CHUNK = 500;
    /** Every this many rounds (10 s at the default interval) the owned entries are searched for unflushed usage. */
    private static final int SWEEP_EVERY = 10;

    /** What the last round saw; read by health and metrics. */
    public record Status(int backlogUsers, long backlogRequests, double lagSeconds, boolean lastFlushOk,
                         long flushes, long failures, Instant lastSuccess) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("backlog_users", backlogUsers);
            m.put("backlog_requests", backlogRequests);
            m.put("flush_lag_seconds", lagSeconds);
            m.put("last_flush_ok", lastFlushOk);
            m.put("flushes", flushes);
            m.put("failures", failures);
            m.put("last_success", lastSuccess == null ? null : lastSuccess.toString());
            return m;
        }
    }

    private final IMap<String, UserState> users;
    private final PartitionService partitions;
    private final LedgerRepository ledger;
    private final long horizonMillis;
    private final ScheduledExecutorService timer;
    private final Set<String> dirty;
    private volatile Status status = new Status(0, 0, 0, true, 0, 0, null);
    private long flushes;
    private long failures;
    private Instant lastSuccess;

    public LedgerFlusher(HazelcastInstance hz, LedgerRepository ledger, Duration interval, long horizonMillis) {
        this.users = hz.getMap(ClusterMember.USERS);
        this.partitions = hz.getPartitionService();
        this.ledger = ledger;
        this.horizonMillis = horizonMillis;
        this.dirty = DirtyUsers.of(hz.getName());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-ledger-flusher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Status status() {
        return status;
    }

    private void runSafely() {
        try {
            flushOnce();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "flush round failed", e);
        }
    }

    /** One round over the keys this member owns; returns the number of batches the ledger applied. */
    public synchronized int flushOnce() {
        if (flushes % SWEEP_EVERY == 0) {
            // Entries that reached this member by a migration or a split-brain merge carry no dirty mark;
            // without this a user who makes no further call would keep that usage out of the ledger.
            dirty.addAll(users.localKeySet(DirtyUsers.UNFLUSHED));
        }
        List<String> owned = new ArrayList<>();
        for (String key : Set.copyOf(dirty)) {
            var owner = partitions.getPartition(key).getOwner();
            if (owner != null && owner.localMember()) {
                owned.add(key);
            }
        }
        int applied = 0;
        boolean ok = true;
        for (int i = 0; i < owned.size(); i += CHUNK) {
            List<String> chunk = owned.subList(i, Math.min(owned.size(), i + CHUNK));
            try {
                applied += flush(chunk);
            } catch (RuntimeException e) {
                ok = false;
                // Said once per outage, not once per round.
                LOG.log(status.lastFlushOk() ? Level.WARNING : Level.FINE, "ledger write failed; usage stays in the cluster and is retried", e);
                break;
            }
        }
        flushes++;
        if (ok) {
            lastSuccess = Instant.now();
        } else {
            failures++;
        }
        if (!owned.isEmpty()) {
            LedgerTelemetry.flushed(ok ? LedgerTelemetry.OK : LedgerTelemetry.ERROR);
        }
        // Reading every dirty entry for the status costs a read per user; only needed while the ledger
        // lags (a failed round) or now and then to show the backlog draining.
        if (!ok || !status.lastFlushOk() || flushes % 10 == 0) {
            status = measure(owned, ok);
        } else {
            status = new Status(0, 0, 0, true, flushes, failures, lastSuccess);
        }
        return applied;
    }

    private int flush(List<String> keys) {
        Map<String, CompletableFuture<LedgerBatch>> prepared = new HashMap<>();
        for (String key : keys) {
            prepared.put(key, users.submitToKey(key, FlushProcessor.prepare(horizonMillis)).toCompletableFuture());
        }
        List<LedgerBatch> batches = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<LedgerBatch>> e : prepared.entrySet()) {
            LedgerBatch batch = e.getValue().join();
            if (batch == null) {
                dirty.remove(e.getKey());
            } else {
                batches.add(batch);
            }
        }
        if (batches.isEmpty()) {
            return 0;
        }
        List<LedgerRepository.Applied> results = DbTimer.time("ledger_flush", () -> ledger.apply(batches, Instant.now()));
        List<CompletableFuture<LedgerBatch>> confirms = new ArrayList<>();
        int fresh = 0;
        for (LedgerRepository.Applied a : results) {
            fresh += a.fresh() ? 1 : 0;
            confirms.add(users.submitToKey(a.batch().userId(), FlushProcessor.confirm(a.batch().epoch(), a.cursor(),
                    a.batch().periodStart(), a.periodTotal(), horizonMillis)).toCompletableFuture());
        }
        CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).join();
        return fresh;
    }

    private Status measure(List<String> owned, boolean ok) {
        int backlogUsers = 0;
        long backlogRequests = 0;
        long oldest = Long.MAX_VALUE;
        if (!owned.isEmpty()) {
            Map<String, UserState> states = users.getAll(Set.copyOf(owned));
            for (UserState s : states.values()) {
                if (s.usage().hasUnflushed()) {
                    backlogUsers++;
                    backlogRequests += s.usage().unflushedRequests();
                    if (s.usage().oldestUnflushedAt() > 0) {
                        oldest = Math.min(oldest, s.usage().oldestUnflushedAt());
                    }
                }
            }
        }
        double lag = oldest == Long.MAX_VALUE ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000.0);
        return new Status(backlogUsers, backlogRequests, lag, ok, flushes, failures, lastSuccess);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
