package io.tollgate.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends scenario rows to the Markdown report ({@code target/chaos-report.md}), writing the title and table header
 * first when the file is new, and prints each row to stdout so it shows in the build log too.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    public static synchronized void append(ChaosSettings settings, ScenarioResult result) {
        append(settings.report(), settings.longRun(), result);
    }

    /**
     * Keeps a scenario's evidence next to the report: the whole history as CSV in {@code target/histories/<slug>.csv}
     * (every answer, and the fault events), and its per-second timeline printed to the build log. A failed run's
     * history is also kept as {@code <slug>-failed-<epoch seconds>.csv}: Surefire's rerun would overwrite the first.
     */
    public static Path evidence(ChaosSettings settings, String scenario, History history, boolean passed) {
        String slug = scenario.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        Path dir = settings.report().getParent().resolve("histories");
        Path file = dir.resolve(slug + ".csv");
        history.writeCsv(file);
        if (!passed) {
            history.writeCsv(dir.resolve(slug + "-failed-" + Instant.now().getEpochSecond() + ".csv"));
        }
        System.out.println("CHAOS timeline of " + scenario + " (history: " + file + ")\n" + history.timeline());
        return file;
    }

    static synchronized void append(Path report, boolean longRun, ScenarioResult result) {
        try {
            Files.createDirectories(report.getParent());
            if (!Files.exists(report)) {
                Files.writeString(report, "# Tollgate chaos report\n\nStarted " + Instant.now() + ", "
                        + (longRun ? "long" : "short") + " durations (-Dchaos.long=" + longRun + ").\n\n"
                        + ScenarioResult.markdownHeader() + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(report, result.markdownRow() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            System.out.println("CHAOS " + result.markdownRow());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
    }
}
