package io.tollgate.chaos;

/**
 * One three-member cluster shared by the scenarios that only kill, pause and restart members (all test classes run
 * in one surefire JVM): starting three JVMs costs about a minute on a loaded 2-core CI machine, restoring a member
 * far less. {@link #get} hands out the cluster whole again (paused members resumed, killed ones restarted, every
 * member seeing all the others); each scenario uses its own users (a fresh run id), so none sees another's counters
 * or ledger rows. Closed when the test JVM exits, or earlier with {@link #close}.
 */
public final class SharedCluster {

    private static ClusterHarness cluster;

    private SharedCluster() {
    }

    public static synchronized ClusterHarness get(ChaosSettings settings) {
        if (cluster == null) {
            cluster = ClusterHarness.start(settings, ClusterOptions.defaults().namePrefix("shared"));
            ChildProcesses.onExit(SharedCluster::close);
        } else {
            cluster.restoreAll();
        }
        return cluster;
    }

    public static synchronized void close() {
        if (cluster != null) {
            ClusterHarness c = cluster;
            cluster = null;
            c.close();
        }
    }
}
