package io.tollgate.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Jepsen-style limit checker: for every user and window of length W, no interval of length W may hold more than the
 * limit L of admissions. The harness does not know when the cluster decided, only that it was between sending and
 * receiving; so an admission surely lies in {@code [t, t+W]} when it was sent at or after t and answered by t+W. The
 * checker slides t over every admission's send time and counts the sure ones: any count above L is a definite
 * over-admission, never a artefact of client latency (it may miss excess hidden by latency, which is the price of
 * never reporting a false one).
 */
public final class LimitChecker {

    /** The largest number of sure admissions in any interval of length W, per user, and the excess over L. */
    public record Result(Map<String, Long> maxAdmittedPerUser, long limit, long maxExcess, long totalExcess) {

        public double overAdmissionShareOfLimit() {
            return limit == 0 ? 0 : (double) maxExcess / limit;
        }

        public boolean withinLimit() {
            return maxExcess == 0;
        }
    }

    private LimitChecker() {
    }

    public static Result check(History history, List<String> users, Duration window, long limit) {
        long w = window.toNanos();
        Map<String, List<AcquireAnswer>> byUser = history.byUser();
        java.util.HashMap<String, Long> maxima = new java.util.HashMap<>();
        long maxExcess = 0;
        long totalExcess = 0;
        for (String user : users) {
            List<AcquireAnswer> admitted = byUser.getOrDefault(user, List.of()).stream()
                    .filter(AcquireAnswer::allowed).toList(); // sorted by send time
            long best = 0;
            for (int i = 0; i < admitted.size(); i++) {
                long start = admitted.get(i).sentNanos();
                long end = start + w;
                long count = 0;
                for (int j = i; j < admitted.size() && admitted.get(j).sentNanos() <= end; j++) {
                    if (admitted.get(j).answeredNanos() <= end) {
                        count += admitted.get(j).request().cost();
                    }
                }
                best = Math.max(best, count);
            }
            maxima.put(user, best);
            long excess = Math.max(0, best - limit);
            maxExcess = Math.max(maxExcess, excess);
            totalExcess += excess;
        }
        return new Result(maxima, limit, maxExcess, totalExcess);
    }
}
