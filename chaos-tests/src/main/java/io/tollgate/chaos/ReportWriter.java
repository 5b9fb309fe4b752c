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
