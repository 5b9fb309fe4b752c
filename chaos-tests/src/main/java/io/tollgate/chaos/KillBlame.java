package io.tollgate.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which calls each kill cost: the acquires not decided within the decision timeout (counted as the availability
 * checker counts them), by phase. While the member is down they are split into calls for users the dead member
 * owned and calls for everyone else: a call needs only its user's owner (its idempotency record and cached policy
 * live in the user's partition), so the second count should stay near zero. While it restarts (from its process
 * start until it answers ready) it joins the cluster and partitions move back to it; after it is ready its first
 * calls run on a cold JVM. Each phase is a different cause, and an earlier version that counted the restart among
 * "others" pointed at the wrong one.
 */
public final class KillBlame {

    private record Kill(int victim, boolean master, Set<String> victimsUsers, long killNanos) {
    }

    private final List<Kill> kills = new ArrayList<>();
    private final List<Long> restartStarts = new ArrayList<>();
    private final List<Long> readies = new ArrayList<>();

    /** Call just before killing {@code victim}: asks the cluster which users it owns and whether it is the master. */
    public void beforeKill(ClusterHarness cluster, int victim, List<String> users, long killNanos) {
        Set<String> owned = new java.util.HashSet<>();
        for (String user : Set.copyOf(users)) {
            if (cluster.ownerIndexOf(user) == victim) {
                owned.add(user);
            }
        }
        killed(victim, cluster.masterIndex() == victim, owned, killNanos);
    }

    void killed(int victim, boolean master, Set<String> victimsUsers, long killNanos) {
        kills.add(new Kill(victim, master, Set.copyOf(victimsUsers), killNanos));
    }

    /** Call just before starting the killed member's process again. */
    public void restarting(long nanos) {
        restartStarts.add(nanos);
    }

    /** Call when the restarted member answers ready. */
    public void restarted(long nanos) {
        readies.add(nanos);
    }

    /**
     * The misses before the first kill, then one part per kill, e.g. "kill of member 0 (the master, owner of 7
     * users): missed 4 of its users' calls and 0 others' while down, 1 while it restarted, 2 after (failure policy 5
     * of these 7)".
     */
    public String summary(History history, Duration decisionTimeout) {
        List<String> parts = new ArrayList<>();
        if (!kills.isEmpty()) {
            parts.add("missed " + misses(history, decisionTimeout, Long.MIN_VALUE, kills.get(0).killNanos()).size()
                    + " before the first kill");
        }
        for (int i = 0; i < kills.size(); i++) {
            Kill k = kills.get(i);
            long restart = at(restartStarts, i);
            long ready = Math.max(restart, at(readies, i));
            long next = i + 1 < kills.size() ? kills.get(i + 1).killNanos() : Long.MAX_VALUE;
            List<AcquireAnswer> down = misses(history, decisionTimeout, k.killNanos(), restart);
            List<AcquireAnswer> restarting = misses(history, decisionTimeout, restart, ready);
            List<AcquireAnswer> after = misses(history, decisionTimeout, ready, next);
            long theirs = down.stream().filter(a -> k.victimsUsers().contains(a.request().userId())).count();
            long policy = java.util.stream.Stream.of(down, restarting, after).flatMap(List::stream)
                    .filter(a -> a.kind() == AnswerKind.FAILURE_OPEN || a.kind() == AnswerKind.FAILURE_CLOSED).count();
            parts.add("kill of member " + k.victim() + (k.master() ? " (the master" : " (not the master")
                    + ", owner of " + k.victimsUsers().size() + " users): missed " + theirs + " of its users' calls and "
                    + (down.size() - theirs) + " others' while down, " + restarting.size() + " while it restarted, "
                    + after.size() + " after (failure policy " + policy + " of these "
                    + (down.size() + restarting.size() + after.size()) + ")");
        }
        return String.join("; ", parts);
    }

    private static long at(List<Long> instants, int i) {
        return i < instants.size() ? instants.get(i) : Long.MAX_VALUE;
    }

    private static List<AcquireAnswer> misses(History history, Duration decisionTimeout, long from, long to) {
        return history.answers(a -> a.sentNanos() >= from && a.sentNanos() < to
                && AvailabilityChecker.counts(history, a) && !AvailabilityChecker.decidedInTime(a, decisionTimeout));
    }
}
