package io.tollgate.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the harness starts is registered here, and a JVM shutdown hook kills whatever is still running
 * (SIGCONT first: a stopped process ignores nothing but cannot run its exit either), so an aborted test run
 * leaves no sidecar, forwarder or PostgreSQL behind. Normal clean-up goes through {@link AutoCloseable}; this is the
 * safety net. Other clean-up actions (network namespaces) register as {@link Runnable}s.
 */
public final class ChildProcesses {

    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final List<Runnable> ACTIONS = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "chaos-cleanup"));
    }

    private ChildProcesses() {
    }

    public static Process register(Process p) {
        PROCESSES.add(p);
        return p;
    }

    public static void forget(Process p) {
        PROCESSES.remove(p);
    }

    public static synchronized void onExit(Runnable action) {
        ACTIONS.add(action);
    }

    public static synchronized void cancelOnExit(Runnable action) {
        ACTIONS.remove(action);
    }

    private static void killAll() {
        for (Process p : PROCESSES) {
            Signals.send("CONT", p.pid());
            p.destroyForcibly();
        }
        List<Runnable> actions;
        synchronized (ChildProcesses.class) {
            actions = new ArrayList<>(ACTIONS);
        }
        for (Runnable r : actions) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // best effort while the JVM exits
            }
        }
    }
}
