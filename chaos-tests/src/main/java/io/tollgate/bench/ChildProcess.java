package io.tollgate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the benchmark started (redis-server, a baseline JVM, a Tollgate member): its output
 * goes to a log file, a ready line is awaited, and {@link #close} ends exactly this process (and
 * its descendants), never anything found by name.
 */
final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private volatile boolean stopsOnStdinClose = true;
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

    private ChildProcess(String name, Process process, Pattern readyLine, Path log) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(() -> pump(readyLine, log), name + "-out");
        pump.setDaemon(true);
        pump.start();
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> env, Pattern readyLine,
                              Path logDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        java.nio.file.Files.createDirectories(logDir);
        return new ChildProcess(name, pb.start(), readyLine, logDir.resolve(name + ".log"));
    }

    private void pump(Pattern readyLine, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = java.nio.file.Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = readyLine.matcher(line);
                if (!ready.isDone() && m.find()) {
                    ready.complete(m);
                }
            }
        } catch (IOException e) {
            // the process went away; awaitReady reports it
        }
        ready.completeExceptionally(new IllegalStateException(name + " exited before it was ready (see " + log + ")"));
    }

    /** Waits for the ready line and returns its match (groups carry e.g. the HTTP port). */
    Matcher awaitReady(Duration timeout) throws Exception {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            close();
            throw new IllegalStateException(name + " not ready within " + timeout);
        }
    }

    /** For processes that ignore their standard input: {@link #close} sends SIGTERM at once. */
    ChildProcess terminatedBySignal() {
        stopsOnStdinClose = false;
        return this;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!stopsOnStdinClose || !process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
