package io.tollgate.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Jepsen-style ledger checker: per user, the PostgreSQL ledger's request total must equal the cost of the acquires
 * answered {@code allowed} (no loss, no duplicate).
 *
 * <p>Indeterminate answers (a timeout or a cut connection: the request may or may not have been counted) are resolved
 * the way a real client would: by retrying with the same request id on a live member, which per the exactly-once
 * contract returns the first answer if there was one and counts nothing more. Requests the generator never sent
 * (backlog full, no live member) are not retried. Failure-policy answers are not resolved: a 503
 * {@code failure_closed} told the client "no", so it must not have been billed.
 *
 * <p>The ledger is flushed in batches, and fail-closed answers are squared with the counters by cancel operations
 * the answering member owes the cluster. So the checker first waits for quiescence (every live member owes nothing
 * and, after a forced flush, has no ledger backlog; up to {@link #QUIESCE}), then resolves the indeterminate answers,
 * waits for quiescence again, and then waits up to {@code settle} for the ledger to reach the expected totals and
 * reports what it holds. On a mismatch it prints a per-user diagnosis.
 */
public final class LedgerChecker {

    /** How long owed operations and the flush backlog may take to drain after a run (returns as soon as they have). */
    static final Duration QUIESCE = Duration.ofSeconds(60);

    public record Result(Map<String, Long> expected, Map<String, Long> ledger, int indeterminate, int resolvedAllowed) {

        /** Sum over users of |ledger - expected|. */
        public long difference() {
            long d = 0;
            for (String user : expected.keySet()) {
                d += Math.abs(ledger.getOrDefault(user, 0L) - expected.get(user));
            }
            return d;
        }

        public boolean exact() {
            return difference() == 0;
        }

        public Map<String, String> mismatches() {
            Map<String, String> m = new TreeMap<>();
            expected.forEach((user, exp) -> {
                long got = ledger.getOrDefault(user, 0L);
                if (got != exp) {
                    m.put(user, "ledger " + got + " != allowed " + exp);
                }
            });
            return m;
        }
    }

    private LedgerChecker() {
    }

    public static Result check(ClusterHarness cluster, History history, List<String> users, Duration settle) {
        // Owed failure-policy operations (fail-closed cancels) and unflushed usage are part of what the sidecar will
        // bill: judge only once they have drained, and resolve indeterminate answers only then, so the checker's own
        // retries do not race a cancel that is still on its way (that race is a separate finding, see the README).
        String before = quiesce(cluster, QUIESCE);
        List<AcquireAnswer> answers = history.answers();
        List<AcquireAnswer> resolved = new ArrayList<>();
        List<AcquireAnswer> toResolve = new ArrayList<>();
        for (AcquireAnswer a : answers) {
            if (a.kind() == AnswerKind.ERROR && wasSent(a) && a.request().requestId() != null) {
                toResolve.add(a);
            } else {
                resolved.add(a);
            }
        }
        List<AcquireAnswer> retries = resolveAll(cluster, toResolve);
        int resolvedAllowed = (int) retries.stream().filter(AcquireAnswer::allowed).count();
        resolved.addAll(retries);
        String after = toResolve.isEmpty() ? before : quiesce(cluster, QUIESCE);
        Map<String, Long> expected = new HashMap<>();
        for (String user : users) {
            expected.put(user, 0L);
        }
        for (AcquireAnswer a : resolved) {
            if (a.allowed()) {
                expected.merge(a.request().userId(), a.request().cost(), Long::sum);
            }
        }
        Map<String, Long> ledger = Await.tryValue(settle, () -> readLedger(cluster, expected.keySet()), expected::equals)
                .orElseGet(() -> readLedger(cluster, expected.keySet()));
        Result result = new Result(expected, ledger, toResolve.size(), resolvedAllowed);
        if (!result.exact()) {
            System.out.println(diagnosis(cluster, answers, resolved, result) + "  quiescence before resolving: "
                    + before + "\n  quiescence after resolving: " + after);
        }
        return result;
    }

    /**
     * Waits (up to {@code deadline}) until every live member owes no failure-policy operation and, after a forced
     * flush round, reports no ledger backlog. Returns what it last saw, e.g. "quiet after 2.1 s" or the members'
     * remaining owed operations and backlog.
     */
    static String quiesce(ClusterHarness cluster, Duration deadline) {
        long t0 = System.nanoTime();
        long end = t0 + deadline.toNanos();
        String last = "";
        while (true) {
            boolean quiet = true;
            StringBuilder seen = new StringBuilder();
            for (MemberProcess m : cluster.liveMembers()) {
                TollgateClient c = m.client().withTimeout(Duration.ofSeconds(5));
                try {
                    c.flushLedger();
                    var ready = c.readiness();
                    long owed = ready.path("owed_operations").asLong(-1);
                    long backlog = ready.path("ledger").path("backlog_requests").asLong(-1);
                    quiet &= owed == 0 && backlog == 0;
                    seen.append(m.name()).append(" owed ").append(owed).append(" backlog ").append(backlog).append("; ");
                } catch (RuntimeException e) {
                    quiet = false;
                    seen.append(m.name()).append(" unreadable (").append(e.getMessage()).append("); ");
                }
            }
            last = seen.toString();
            if (quiet) {
                return String.format("quiet after %.1f s", (System.nanoTime() - t0) / 1e9);
            }
            if (System.nanoTime() > end) {
                return "NOT quiet after " + deadline.toSeconds() + " s: " + last;
            }
            Await.sleep(Duration.ofMillis(250));
        }
    }

    /** Retries every indeterminate request with its own request id, 16 at a time. */
    private static List<AcquireAnswer> resolveAll(ClusterHarness cluster, List<AcquireAnswer> indeterminate) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<AcquireAnswer>> futures = new ArrayList<>();
            for (AcquireAnswer a : indeterminate) {
                futures.add(pool.submit(() -> resolve(cluster, a.request())));
            }
            List<AcquireAnswer> out = new ArrayList<>();
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * For a mismatch, what the evidence says per user: the answers by kind (first attempt), how the indeterminate ones
     * resolved, what the cluster itself counts (GET /api/quotas) and the sidecar's reconciliation and flush status.
     */
    static String diagnosis(ClusterHarness cluster, List<AcquireAnswer> first, List<AcquireAnswer> resolved, Result result) {
        StringBuilder out = new StringBuilder("CHAOS ledger diagnosis:\n");
        TollgateClient client = cluster.anyLiveClient();
        for (String user : result.mismatches().keySet()) {
            Map<AnswerKind, Long> kinds = new TreeMap<>();
            first.stream().filter(a -> a.request().userId().equals(user))
                    .forEach(a -> kinds.merge(a.kind(), 1L, Long::sum));
            Map<AnswerKind, Long> after = new TreeMap<>();
            resolved.stream().filter(a -> a.request().userId().equals(user))
                    .forEach(a -> after.merge(a.kind(), 1L, Long::sum));
            out.append("  ").append(user).append(": ").append(result.mismatches().get(user))
                    .append("; first answers ").append(kinds).append(", after resolving ").append(after);
            try {
                out.append("; cluster quotas ").append(TollgateClient.truncate(
                        client.send("GET", "/api/quotas?user_id=" + TollgateClient.encode(user), null, false).body()));
            } catch (RuntimeException e) {
                out.append("; cluster quotas unreadable: ").append(e.getMessage());
            }
            out.append('\n');
        }
        for (MemberProcess m : cluster.liveMembers()) {
            try {
                out.append("  ").append(m.name()).append(" reconcile ")
                        .append(m.client().send("GET", "/admin/ledger/reconcile", null, true).body())
                        .append("\n  ").append(m.name()).append(" ledger status ")
                        .append(m.client().send("GET", "/admin/ledger/status", null, true).body()).append('\n');
            } catch (RuntimeException e) {
                out.append("  ").append(m.name()).append(" unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    static boolean wasSent(AcquireAnswer a) {
        return !(a.status() == 0 && a.error() != null
                && (a.error().startsWith("client backlog") || a.error().startsWith("no live member")));
    }

    /**
     * Any decided retry answer resolves the request: a replayed failure-policy answer means the first attempt was
     * answered by the policy (and must not have been billed), so it counts like a denial.
     */
    private static AcquireAnswer resolve(ClusterHarness cluster, AcquireRequest request) {
        return Await.value("a decided answer to the retry of " + request.requestId(), Duration.ofSeconds(30),
                () -> cluster.anyLiveClient().withTimeout(Duration.ofSeconds(5)).acquire(request),
                r -> r.kind().decided());
    }

    private static Map<String, Long> readLedger(ClusterHarness cluster, Iterable<String> users) {
        TollgateClient client = cluster.anyLiveClient();
        Map<String, Long> totals = new HashMap<>();
        for (String user : users) {
            totals.put(user, client.ledgerRequests(user));
        }
        return totals;
    }
}
