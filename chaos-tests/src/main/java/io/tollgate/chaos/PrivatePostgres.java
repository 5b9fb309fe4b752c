package io.tollgate.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of our own, for scenarios that stop the database: the machine's shared server cannot be
 * stopped safely. {@code initdb} into a temp directory, {@code pg_ctl start} on a free port (listening on
 * 127.0.0.1 and a Unix socket inside the data directory), {@code pg_ctl stop -m immediate} for an outage that looks
 * like a crash, start again on the same port. Runs as the {@code postgres} OS user, because PostgreSQL refuses
 * root. The data directory is deleted on {@link #close()}.
 */
public final class PrivatePostgres implements AutoCloseable {

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private final Runnable stopOnExit;

    private PrivatePostgres(Path binDir, Path dataDir, int port) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
        this.stopOnExit = () -> Shell.tryRun(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-m", "immediate", "stop"));
    }

    public static PrivatePostgres start() {
        Path bin = findBinDir();
        try {
            Path dir = Files.createTempDirectory("tollgate-pg-");
            Shell.run("chown", "postgres:postgres", dir.toString());
            Path data = dir.resolve("data");
            PrivatePostgres pg = new PrivatePostgres(bin, data, FreePorts.take());
            Shell.run(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=trust", "--no-sync", "-E", "UTF8"));
            ChildProcesses.onExit(pg.stopOnExit);
            pg.startServer();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The Unix socket, for forwarders into network namespaces. */
    public Path socket() {
        return dataDir.resolve(".s.PGSQL." + port);
    }

    public void startServer() {
        Shell.run(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "-l", dataDir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /** Stops the server like a crash: no shutdown checkpoint, connections cut at once. */
    public void stopServer() {
        Shell.run(asPostgres(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "stop"));
    }

    @Override
    public void close() {
        ChildProcesses.cancelOnExit(stopOnExit);
        stopOnExit.run();
        try (Stream<Path> files = Files.walk(dataDir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a left-over temp directory is harmless
        }
    }

    private static String[] asPostgres(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "runuser";
        full[1] = "-u";
        full[2] = "postgres";
        full[3] = "--";
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    private static Path findBinDir() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql/*/bin"));
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL binaries not found", e);
        }
    }
}
