package io.tollgate.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The embedded PostgreSQL of a sidecar that was killed (SIGKILL, OOM killer, power-off of the JVM alone) outlives it:
 * its postmaster keeps running, holds {@code postmaster.pid} in the data directory, and the next start of the
 * sidecar cannot start its own server there.
 *
 * <p>Design note. Before the embedded server starts, this reads {@code postmaster.pid}. When the process it names
 * is alive, is a {@code postgres} process, and its pid file names this very data directory, it is the orphan of an
 * earlier sidecar on this directory, and is stopped the way {@code pg_ctl stop -m fast} does: SIGINT, on which
 * PostgreSQL rolls back open transactions, writes a checkpoint and exits cleanly, so nothing committed is lost
 * (and PostgreSQL's own crash recovery would have kept it even after a SIGKILL). If it has not exited within
 * {@link #STOP_WITHIN}, it gets SIGTERM, and if it still runs the start fails with a message rather than running two servers on
 * one directory. A pid file whose process is gone, or is something else, is left to PostgreSQL, which treats it as
 * stale. Another live sidecar on the same directory cannot be mistaken for an orphan's parent: the embedded
 * server's own lock file ({@code epg-lock}) is held while its sidecar runs, and the start fails on it first.
 */
final class EmbeddedOrphan {
    private static final Logger LOG = Logger.getLogger(EmbeddedOrphan.class.getName());
    static final Duration STOP_WITHIN = Duration.ofSeconds(30);

    private EmbeddedOrphan() {
    }

    static void stopIfRunning(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return; // stale: PostgreSQL itself ignores a pid file whose process is gone
        }
        String command = process.get().info().command().orElse("");
        if (!command.endsWith("postgres") && !command.endsWith("postmaster")) {
            return; // the pid was reused by another program: PostgreSQL checks that too
        }
        if (!Path.of(lines.get(1).trim()).toRealPath().equals(dataDir.toRealPath())) {
            return;
        }
        LOG.warning("an embedded PostgreSQL (pid " + pid + ") left by an earlier sidecar still runs on "
                + dataDir.toAbsolutePath() + ": stopping it (fast shutdown) before starting a new one");
        signal("INT", pid);
        if (!exited(process.get(), STOP_WITHIN)) {
            signal("TERM", pid);
            if (!exited(process.get(), STOP_WITHIN)) {
                throw new IOException("the embedded PostgreSQL left by an earlier sidecar (pid " + pid + ") on "
                        + dataDir.toAbsolutePath() + " did not stop within " + STOP_WITHIN.multipliedBy(2).toSeconds()
                        + " s; stop it, then start again");
            }
        }
        LOG.info("the earlier embedded PostgreSQL stopped cleanly");
    }

    private static void signal(String name, long pid) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the earlier embedded PostgreSQL", e);
        }
    }

    private static boolean exited(ProcessHandle process, Duration within) {
        try {
            process.onExit().get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
