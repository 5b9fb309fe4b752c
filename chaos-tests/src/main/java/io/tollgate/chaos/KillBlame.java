package io.tollgate.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which calls a kill cost: the failure-policy answers sent while the member was down, split into those for users
 * the dead member owned and those for everyone else. A call needs only its user's owner (its idempotency record
 * and cached policy live in the user's partition), so the second count should stay near zero; when it does not,
 * something every call shares waited for the dead member.
 */
public final class KillBlame {

    private record Kill(int victim, boolean master, Set<String> victimsUsers, long fromNanos) {
    }

    private final List<Kill> kills = new ArrayList<>();
    private final List<Long> restarts = new ArrayList<>();

    /** Call just before killing {@code victim}: asks the cluster which users it owns and whether it is the master. */
    public void beforeKill(ClusterHarness cluster, int victim, List<String> users, long killNanos) {
        Set<String> owned = new java.util.HashSet<>();
        for (String user : Set.copyOf(users)) {
            if (cluster.ownerIndexOf(user) == victim) {
                owned.add(user);
            }
        }
        kills.add(new Kill(victim, cluster.masterIndex() == victim, owned, killNanos));
    }

    public void restarted(long nanos) {
        restarts.add(nanos);
    }

    /**
     * One part per kill, e.g. "kill of member 0 (the master, owner of 7 users): failure policy 4 for its users,
     * 0 for others, 1 after its restart".
     */
    public String summary(History history) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < kills.size(); i++) {
            Kill k = kills.get(i);
            long restart = i < restarts.size() ? restarts.get(i) : Long.MAX_VALUE;
            long next = i + 1 < kills.size() ? kills.get(i + 1).fromNanos() : Long.MAX_VALUE;
            List<AcquireAnswer> down = failures(history, k.fromNanos(), restart);
            long theirs = down.stream().filter(a -> k.victimsUsers().contains(a.request().userId())).count();
            parts.add("kill of member " + k.victim() + (k.master() ? " (the master" : " (not the master")
                    + ", owner of " + k.victimsUsers().size() + " users): failure policy " + theirs + " for its users, "
                    + (down.size() - theirs) + " for others, " + failures(history, restart, next).size()
                    + " after its restart");
        }
        return String.join("; ", parts);
    }

    private static List<AcquireAnswer> failures(History history, long from, long to) {
        return history.answers(a -> a.sentNanos() >= from && a.sentNanos() < to
                && (a.kind() == AnswerKind.FAILURE_OPEN || a.kind() == AnswerKind.FAILURE_CLOSED));
    }
}
