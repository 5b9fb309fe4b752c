package io.tollgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps deploy/ honest: the Prometheus config and rules load, the alert unit tests pass, the Grafana
 * dashboard is valid JSON, and every metric an alert depends on is documented in METRICS.md.
 *
 * <p>promtool comes from the Debian package "prometheus"; CI installs it with
 * deploy/install-test-tools.sh. Without it these tests fail (on purpose: a silently skipped rule
 * check is how broken alerts reach production).
 */
class PrometheusRulesTest {

    private static final Path ROOT = repositoryRoot();

    /** The README's test command must work on a fresh machine: install promtool when it is missing. */
    @org.junit.jupiter.api.BeforeAll
    static void installPromtool() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("deploy/install-test-tools.sh").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            System.out.println("deploy/install-test-tools.sh failed:\n" + out);
        }
    }
    private static final Path PROMETHEUS = Path.of("deploy", "prometheus");
    private static final Path RULES = PROMETHEUS.resolve("rules");
    private static final Path TESTS = PROMETHEUS.resolve("tests");

    /** A metric (tollgate_x) or recording-rule name (level:tollgate_x:operations). */
    private static final Pattern METRIC_NAME =
            Pattern.compile("(?<![a-zA-Z0-9_:])(?:[a-zA-Z_][a-zA-Z0-9_]*:)?tollgate_[a-zA-Z0-9_]*(?::[a-zA-Z0-9_]+)?");
    private static final Pattern RECORD = Pattern.compile("^\\s*-?\\s*record:\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum)$");

    @Test
    void everyRuleFileIsValid() throws IOException {
        List<Path> ruleFiles = ymlFilesIn(RULES);
        assertThat(ruleFiles).isNotEmpty();
        for (Path ruleFile : ruleFiles) {
            runPromtool("check", "rules", ruleFile.toString());
        }
    }

    @Test
    void scrapeConfigIsValidAndLoadsTheRules() {
        String output = runPromtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
        assertThat(output).contains("SUCCESS: 2 rule files found");
    }

    @Test
    void alertUnitTestsPass() throws IOException {
        List<Path> testFiles = ymlFilesIn(TESTS);
        assertThat(testFiles).isNotEmpty();
        List<String> command = new ArrayList<>(List.of("test", "rules"));
        testFiles.forEach(file -> command.add(file.toString()));
        runPromtool(command.toArray(String[]::new));
    }

    @Test
    void dashboardIsJsonWithTheExpectedRows() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/tollgate-dashboard.json").toFile());

        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if ("row".equals(panel.path("type").asText())) {
                rows.add(panel.path("title").asText());
            }
        });
        assertThat(rows).containsExactly("Decisions", "Latency", "Quotas", "Ledger", "Cluster", "Cost");

        // panels query only documented metrics and recording rules that exist
        String recording = Files.readString(ROOT.resolve(RULES.resolve("recording.yml")));
        String metricsDoc = Files.readString(ROOT.resolve("deploy/METRICS.md"));
        Set<String> unknown = new TreeSet<>();
        for (String name : metricNames(Files.readString(ROOT.resolve("deploy/grafana/tollgate-dashboard.json")))) {
            boolean known = name.contains(":")
                    ? recording.contains("record: " + name)
                    : metricsDoc.contains("`" + SERIES_SUFFIX.matcher(name).replaceFirst("") + "`");
            if (!known) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("dashboard queries names not in METRICS.md or recording.yml").isEmpty();
    }

    @Test
    void everyMetricTheAlertsUseIsDocumented() throws IOException {
        String alerts = withoutComments(Files.readString(ROOT.resolve(RULES.resolve("alerts.yml"))));
        String recording = withoutComments(Files.readString(ROOT.resolve(RULES.resolve("recording.yml"))));
        String metricsDoc = Files.readString(ROOT.resolve("deploy/METRICS.md"));

        Set<String> recorded = new TreeSet<>();
        Matcher records = RECORD.matcher(recording);
        while (records.find()) {
            recorded.add(records.group(1));
        }

        Set<String> usedByAlerts = metricNames(alerts);
        assertThat(usedByAlerts).as("metric names found in alerts.yml").isNotEmpty();
        Set<String> undefinedRecordings = new TreeSet<>();
        Set<String> rawMetrics = new TreeSet<>();
        for (String name : usedByAlerts) {
            if (name.contains(":")) {
                if (!recorded.contains(name)) {
                    undefinedRecordings.add(name);
                }
            } else {
                rawMetrics.add(name);
            }
        }
        assertThat(undefinedRecordings).as("recording rules used by alerts.yml but not defined in recording.yml").isEmpty();

        // The alerts also depend, through the recording rules, on every raw metric those read.
        metricNames(recording).stream().filter(name -> !name.contains(":")).forEach(rawMetrics::add);
        rawMetrics.add("up");
        // guard against a pattern that silently matches nothing
        assertThat(rawMetrics).contains("tollgate_db_up", "tollgate_decisions_total", "tollgate_decision_duration_seconds_bucket");
        assertThat(usedByAlerts).contains("job:tollgate_acquire_latency_errors:ratio_rate5m");

        Set<String> undocumented = new TreeSet<>();
        for (String metric : rawMetrics) {
            String documented = SERIES_SUFFIX.matcher(metric).replaceFirst("");
            if (!metricsDoc.contains("`" + metric + "`") && !metricsDoc.contains("`" + documented + "`")) {
                undocumented.add(metric);
            }
        }
        assertThat(undocumented).as("metrics used by the rules but missing from deploy/METRICS.md").isEmpty();
    }

    private static Set<String> metricNames(String ruleText) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC_NAME.matcher(ruleText);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static String withoutComments(String yaml) {
        return yaml.lines().filter(line -> !line.stripLeading().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
    }

    private static List<Path> ymlFilesIn(Path relativeDir) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(relativeDir))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yml"))
                    .map(ROOT::relativize)
                    .sorted()
                    .toList();
        }
    }

    /** Runs promtool from the repository root with repository-relative paths; returns its output. */
    private static String runPromtool(String... args) {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("cannot start promtool (install it with deploy/install-test-tools.sh): " + e.getMessage());
        }
        try (InputStream out = process.getInputStream()) {
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish in 120 s\n" + output);
            }
            assertThat(process.exitValue())
                    .as("%s exited with %d:%n%s", String.join(" ", command), process.exitValue(), output)
                    .isZero();
            return output;
        } catch (IOException e) {
            return fail("reading promtool output: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return fail("interrupted while waiting for promtool");
        }
    }

    /** Surefire runs with chaos-tests/ as working directory; walk up to the folder holding deploy/. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/prometheus/prometheus.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/prometheus/prometheus.yml above " + Path.of("").toAbsolutePath());
    }
}
