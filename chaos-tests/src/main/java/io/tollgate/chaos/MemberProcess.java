package io.tollgate.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One sidecar in its own JVM, started from the packaged jar with {@code -Xmx256m}; stdout and stderr go to
 * {@code target/members/<name>.log} (appended across restarts). It can be killed with SIGKILL, paused with SIGSTOP,
 * resumed with SIGCONT and restarted on the same ports. In a network namespace the JVM is started through
 * {@code ip netns exec}, which execs in place, so the pid we signal is the JVM's own.
 */
public final class MemberProcess implements AutoCloseable {

    private static final String JVM_FLAGS = "--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED "
            + "--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED "
            + "--add-opens java.management/sun.management=ALL-UNNAMED "
            + "--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED";

    public enum State { NOT_STARTED, RUNNING, PAUSED, KILLED, STOPPED }

    private final ChaosSettings settings;
    private final MemberConfig config;
    private final TollgateClient client;
    private final Path log;
    private volatile Process process;
    private volatile State state = State.NOT_STARTED;
    /** Settings of this run only (see {@link #restart(Map)}), over the configured environment. */
    private volatile Map<String, String> overrides = Map.of();

    public MemberProcess(ChaosSettings settings, MemberConfig config, String adminToken) {
        this.settings = settings;
        this.config = config;
        this.client = new TollgateClient(config.name(), config.clientBase(), config.adminBase(), adminToken, Duration.ofSeconds(5));
        this.log = settings.memberLogDir().resolve(config.name() + ".log");
    }

    public String name() {
        return config.name();
    }

    public MemberConfig config() {
        return config;
    }

    public TollgateClient client() {
        return client;
    }

    public State state() {
        return state;
    }

    public Path log() {
        return log;
    }

    /** Resident memory of the member's JVM in MiB (from /proc), or -1 when it is gone. */
    public long residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the JVM; returns at once (see {@link #awaitReady}). */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is already running");
        }
        settings.requireJar();
        List<String> command = new ArrayList<>();
        if (config.namespace() != null) {
            command.addAll(List.of("ip", "netns", "exec", config.namespace()));
        }
        command.add(settings.java().toString());
        command.add("-Xmx256m");
        command.addAll(List.of(JVM_FLAGS.split(" ")));
        // GC pauses next to the member's log: a stalled member is then told apart from a starved machine.
        command.add("-Xlog:gc:file=" + log.resolveSibling(name() + ".gc.log") + "::filecount=0");
        command.add("-Dhazelcast.phone.home.enabled=false");
        // Log lines with milliseconds, one per line: fault timings (removal, migration) are read from them.
        command.add("-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        command.add("-Dtollgate.chaos.member=" + name());
        command.add("-jar");
        command.add(settings.jar().toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(config.environment());
        env.putAll(overrides);
        env.put("SERVER_HOST", config.httpHost());
        env.put("SERVER_PORT", Integer.toString(config.httpPort()));
        env.put("TOLLGATE_ADMIN_HOST", config.httpHost());
        env.put("TOLLGATE_ADMIN_PORT", Integer.toString(config.adminPort()));
        // Several members share this host: each gets a free gRPC port unless the scenario names one.
        env.putIfAbsent("TOLLGATE_GRPC_PORT", "0");
        env.put("TOLLGATE_CLUSTER_PORT", Integer.toString(config.clusterPort()));
        env.put("TOLLGATE_CLUSTER_INTERFACE", config.clusterHost());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + Instant.now() + " starting " + name() + ": " + String.join(" ", command)
                    + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = ChildProcesses.register(pb.start());
            state = State.RUNNING;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name(), e);
        }
    }

    /** Waits until GET /health/ready answers 200; fails early, with the log's tail, if the JVM exits. */
    public void awaitReady(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!client.isReady()) {
            if (!isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue()
                        + " before it was ready; log tail:\n" + logTail(40));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(name() + " not ready within " + deadline + "; log tail:\n" + logTail(40));
            }
            Await.sleep(Duration.ofMillis(200));
        }
    }

    /** SIGKILL: no shutdown hook, no goodbye to the cluster. Waits until the process is gone. */
    public synchronized void kill9() {
        if (process == null) {
            return;
        }
        state = State.KILLED; // before the signal: the load generator stops choosing this member at once
        process.destroyForcibly();
        waitForExit();
        state = State.KILLED;
    }

    public synchronized void pause() {
        state = State.PAUSED;
        requireSignal("STOP");
    }

    public synchronized void resume() {
        requireSignal("CONT");
        state = State.RUNNING;
    }

    /** Kills the member if it still runs, then starts it again with the same name, ports and configured settings. */
    public synchronized void restart() {
        restart(Map.of());
    }

    /** Like {@link #restart()}, with some settings (environment variables) changed until the next restart. */
    public synchronized void restart(Map<String, String> changedSettings) {
        if (isAlive()) {
            Signals.send("CONT", pid());
            kill9();
        }
        overrides = Map.copyOf(changedSettings);
        start();
    }

    /**
     * What a member that stopped answering is doing: {@code jcmd Thread.print}, cut to the threads that say
     * most about a stall (main, Hazelcast's operation and response threads, and any BLOCKED one), or a note
     * that the JVM did not answer jcmd either (frozen, or stopped in a safepoint).
     */
    public String stallReport(Duration timeout) {
        if (!isAlive()) {
            return name() + " is not running";
        }
        Path jcmd = settings.java().resolveSibling("jcmd");
        Path dump = log.resolveSibling(name() + ".threads.txt");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return name() + ": jcmd got no answer within " + timeout + " (the JVM is stalled)";
            }
            return name() + " threads (all in " + dump.getFileName() + "):\n"
                    + ThreadDumps.interesting(Files.readString(dump), 12);
        } catch (IOException e) {
            return name() + ": no thread dump (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return name() + ": interrupted";
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            if (process.isAlive()) {
                Signals.send("CONT", pid());
                process.destroyForcibly();
                waitForExit();
            }
            ChildProcesses.forget(process);
        }
        state = State.STOPPED;
    }

    private void requireSignal(String signal) {
        if (!isAlive() || !Signals.send(signal, pid())) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + name());
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name() + " did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name() + "[" + config.clusterAddress() + ", http " + config.clientBase() + ", " + state + "]";
    }
}
