package io.tollgate.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The skeleton every load-and-fault scenario shares: set up users (ENTERPRISE ones, so their traffic stays under
 * the limits and every allowed answer must reach the ledger, and FREE ones, so limits are exercised), drive acquires
 * at a fixed rate for the scenario's duration while the fault script runs, then collect the history for the
 * checkers. The fault script marks its faults and heals in the history's timeline ({@link History#event}).
 */
public final class ScenarioRun {

    @FunctionalInterface
    public interface FaultScript {
        /** Injects faults while the load runs; sleeps as it needs. Must not outlast the run by much. */
        void run(ClusterHarness cluster, History history) throws Exception;
    }

    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> enterpriseUsers = new ArrayList<>();
    private final List<String> freeUsers = new ArrayList<>();
    private final int perSecond;
    private final Duration duration;
    private final History history = new History();
    private int hotCopies;
    private long hotLimitPerMinute = 1000;

    public ScenarioRun(int enterpriseUsers, int freeUsers, int perSecond, Duration duration) {
        for (int i = 0; i < enterpriseUsers; i++) {
            this.enterpriseUsers.add("ent-" + runId + "-" + i);
        }
        for (int i = 0; i < freeUsers; i++) {
            this.freeUsers.add("free-" + runId + "-" + i);
        }
        this.perSecond = perSecond;
        this.duration = duration;
    }

    /**
     * Makes the first ENTERPRISE user a hot key: it appears {@code copies} more times in the round-robin, so with
     * enough load it runs into its 1,000/min limit and the limit checker has something to check on it.
     */
    public ScenarioRun withHotUser(int copies) {
        this.hotCopies = copies;
        return this;
    }

    /**
     * Gives the hot user a custom per-minute limit (admin API) below what its share of the load offers, so at a short
     * run's modest rate the limit checker still has admissions at the limit to judge.
     */
    public ScenarioRun withHotLimitPerMinute(long limit) {
        this.hotLimitPerMinute = limit;
        return this;
    }

    public long hotLimitPerMinute() {
        return hotLimitPerMinute;
    }

    public String hotUser() {
        return enterpriseUsers.get(0);
    }

    /** The users in the order the load generator cycles through them (the hot user repeated). */
    public List<String> loadUsers() {
        List<String> users = new ArrayList<>();
        List<String> all = allUsers();
        for (int i = 0; i < all.size(); i++) {
            users.add(all.get(i));
            if (i < hotCopies) {
                users.add(hotUser());
            }
        }
        return users;
    }

    public String runId() {
        return runId;
    }

    public History history() {
        return history;
    }

    public List<String> enterpriseUsers() {
        return enterpriseUsers;
    }

    public List<String> freeUsers() {
        return freeUsers;
    }

    public List<String> allUsers() {
        List<String> all = new ArrayList<>(enterpriseUsers);
        all.addAll(freeUsers);
        return all;
    }

    public String load() {
        return perSecond + "/s for " + duration.toSeconds() + " s, " + enterpriseUsers.size() + " enterprise + "
                + freeUsers.size() + " free users" + (hotCopies > 0 ? ", 1 hot (" + hotLimitPerMinute + "/min)" : "");
    }

    /** Sets the ENTERPRISE tier on every member's view (waits for it). */
    public void prepare(ClusterHarness cluster) {
        for (String u : enterpriseUsers) {
            cluster.setTier(u, "enterprise");
        }
        if (hotCopies > 0 && hotLimitPerMinute != 1000) {
            cluster.setUserLimit(hotUser(), "minute", hotLimitPerMinute);
        }
    }

    /** Runs the load for the whole duration with the fault script alongside; returns the history. */
    public History run(ClusterHarness cluster, FaultScript faults) {
        warmUp(cluster);
        LoadGenerator load = LoadGenerator.against(cluster, runId, loadUsers(), perSecond, history);
        long end = System.nanoTime() + duration.toNanos();
        load.start();
        try {
            faults.run(cluster, history);
            long left = end - System.nanoTime();
            if (left > 0) {
                Await.sleep(Duration.ofNanos(left));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("fault script failed", e);
        } finally {
            load.stop();
        }
        return history;
    }

    /**
     * Load at the run's rate for {@link #WARM_UP}, on users of its own and not recorded: a scenario measures its
     * faults, not a cold cluster's first seconds under full load (the long kill run at 200/s missed 369 calls in its
     * first 3 s, on all three members, before any fault). Each warm-up user gets at most 8 calls, under the FREE
     * tier's 10 a minute, so the warm-up goes through the path that admits.
     */
    private void warmUp(ClusterHarness cluster) {
        int users = (int) (perSecond * WARM_UP.toSeconds() / 8) + 1;
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            warm.add("warm-" + runId + "-" + i);
        }
        LoadGenerator.against(cluster, runId + "-warm", warm, perSecond, new History()).runFor(WARM_UP);
    }

    /** Admissions answered in {@code (fromNanos - before, ...]}, i.e. the ones a crash at fromNanos may lose. */
    public long allowedAnsweredAfter(long fromNanos, Duration before) {
        long start = fromNanos - before.toNanos();
        return history.answers(a -> a.allowed() && a.answeredNanos() > start).size();
    }
}
