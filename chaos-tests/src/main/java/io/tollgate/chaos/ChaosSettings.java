package io.tollgate.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the harness finds what it runs, read once from system properties (surefire passes them):
 * {@code tollgate.jar} (or {@code chaos.jar}, which wins), {@code tollgate.java}, {@code chaos.long} (long scenario durations),
 * {@code chaos.pg.host}/{@code chaos.pg.port}/{@code chaos.pg.user} (the shared PostgreSQL server).
 */
public record ChaosSettings(Path jar, Path java, boolean longRun, Path memberLogDir, Path report,
                            String pgHost, int pgPort, String pgUser) {

    public static ChaosSettings fromSystemProperties() {
        // chaos.jar (command line) wins over tollgate.jar (set by surefire): try another build's jar without editing the pom.
        Path jar = Path.of(System.getProperty("chaos.jar", System.getProperty("tollgate.jar", "../app/target/tollgate.jar")))
                .toAbsolutePath().normalize();
        Path java = Path.of(System.getProperty("tollgate.java", System.getProperty("java.home") + "/bin/java"));
        return new ChaosSettings(jar, java,
                Boolean.getBoolean("chaos.long"),
                Path.of(System.getProperty("chaos.member.logs", "target/members")).toAbsolutePath(),
                Path.of(System.getProperty("chaos.report", "target/chaos-report.md")).toAbsolutePath(),
                System.getProperty("chaos.pg.host", "127.0.0.1"),
                Integer.getInteger("chaos.pg.port", 5432),
                System.getProperty("chaos.pg.user", "postgres"));
    }

    /** A scenario's duration: {@code shortRun} by default (CI), {@code longRun} with {@code -Dchaos.long=true}. */
    public Duration duration(Duration shortRun, Duration longRun) {
        return this.longRun ? longRun : shortRun;
    }

    /**
     * Acquires per second for a scenario: {@code -Dchaos.rate} when given, else {@code shortRate} (CI, sized for a
     * loaded 2-core machine running three members and the harness) or {@code longRate} with {@code -Dchaos.long=true}.
     */
    public int rate(int shortRate, int longRate) {
        return Integer.getInteger("chaos.rate", longRun ? longRate : shortRate);
    }

    /**
     * {@code -Dchaos.keep-databases=true}: each scenario's database is left on the server instead of dropped, and
     * its name printed, so a ledger difference can be traced batch by batch ({@code ledger_cursor}).
     */
    public static boolean keepDatabases() {
        return Boolean.getBoolean("chaos.keep-databases");
    }

    public void requireJar() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("sidecar jar not found at " + jar
                    + ": build it first with mvn -B -DskipTests package (or run the chaos tests with -am)");
        }
    }
}
