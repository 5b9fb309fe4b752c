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
 * <p>The ledger is flushed in batches; the checker waits up to {@code settle} for it to reach the expected totals
 * and then reports what it holds.
 */
public final class LedgerChecker {

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
        List<AcquireAnswer> answers = history.answers();
        List<AcquireAnswer> resolved = new ArrayList<>();
        int indeterminate = 0;
        int resolvedAllowed = 0;
        for (AcquireAnswer a : answers) {
            if (a.kind() == AnswerKind.ERROR && wasSent(a) && a.request().requestId() != null) {
                indeterminate++;
                AcquireAnswer retry = resolve(cluster, a.request());
                if (retry.allowed()) {
                    resolvedAllowed++;
                }
                resolved.add(retry);
            } else {
                resolved.add(a);
            }
        }
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
        return new Result(expected, ledger, indeterminate, resolvedAllowed);
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
