package io.tollgate.chaos;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Availability as clients see it: the share of sent acquires that got a real decision (allowed or denied, not an
 * error and not the failure policy) with a client-measured latency within the decision timeout. Client latency
 * includes the HTTP round trip, so this is the strict reading. Also reports latency percentiles.
 */
public final class AvailabilityChecker {

    public record Result(long sent, long decidedInTime, long failurePolicy, long errors, double p50Millis,
                         double p99Millis, double maxMillis) {

        public double share() {
            return sent == 0 ? 1.0 : (double) decidedInTime / sent;
        }

        @Override
        public String toString() {
            return String.format("%.2f%% decided in time (%d/%d, failure policy %d, errors %d, p50 %.1f ms, p99 %.1f ms, max %.0f ms)",
                    100 * share(), decidedInTime, sent, failurePolicy, errors, p50Millis, p99Millis, maxMillis);
        }
    }

    private AvailabilityChecker() {
    }

    /**
     * Answers that failed because the member the client talked to was itself killed or paused under it are left out:
     * that client's sidecar was down, which is the fault, not the cluster's answer (the harness records member
     * outages with {@link History#memberDown}).
     */
    public static Result check(History history, Duration decisionTimeout) {
        List<AcquireAnswer> sent = history.answers(a -> counts(history, a));
        long inTime = sent.stream().filter(a -> decidedInTime(a, decisionTimeout)).count();
        long failure = sent.stream().filter(a -> a.kind() == AnswerKind.FAILURE_CLOSED || a.kind() == AnswerKind.FAILURE_OPEN).count();
        long errors = sent.stream().filter(a -> a.kind() == AnswerKind.ERROR).count();
        double[] lat = sent.stream().mapToDouble(AcquireAnswer::latencyMillis).sorted().toArray();
        return new Result(sent.size(), inTime, failure, errors, percentile(lat, 0.50), percentile(lat, 0.99),
                lat.length == 0 ? 0 : lat[lat.length - 1]);
    }

    /** Whether the answer counts for availability: it was sent, and not lost with the member the client talked to. */
    static boolean counts(History history, AcquireAnswer a) {
        return LedgerChecker.wasSent(a) && !history.hitDownMember(a);
    }

    /** A real decision (allowed or denied) within the decision timeout, as the client measured it. */
    static boolean decidedInTime(AcquireAnswer a, Duration decisionTimeout) {
        return (a.allowed() || a.denied()) && a.latencyNanos() <= decisionTimeout.toNanos();
    }

    private static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)];
    }

    static String describe(double[] values) {
        return Arrays.toString(values);
    }
}
