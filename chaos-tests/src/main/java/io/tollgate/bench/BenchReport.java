package io.tollgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Writes results.md, results.csv and the PNG charts of one run. */
final class BenchReport {

    private final Machine machine;
    private final BenchOptions options;
    private final List<PointSummary> points;
    private final List<BenchDriver.MemoryRow> memory;
    private final List<BenchDriver.LedgerRow> ledger;
    private final List<String> notes;

    BenchReport(Machine machine, BenchOptions options, List<Measurement> measurements,
                List<BenchDriver.MemoryRow> memory, List<BenchDriver.LedgerRow> ledger, List<String> notes) {
        this.machine = machine;
        this.options = options;
        this.points = PointSummary.of(measurements);
        this.memory = memory;
        this.ledger = ledger;
        this.notes = notes;
    }

    void write() throws IOException {
        Path out = options.out();
        List<JmhRow> jmh = JmhRow.read(options.jmhCsv());
        Files.writeString(out.resolve("results.csv"), csv(jmh));
        Files.writeString(out.resolve("results.md"), markdown(jmh));
        BenchCharts.write(out, points.stream().map(PointSummary::median).toList());
        if (options.docs() != null && options.full()) {
            DocsPage.write(options.docs(), out, options.command(), options.revision(), machine);
            System.out.println("[bench] wrote " + options.docs().toAbsolutePath());
        }
    }

    private String csv(List<JmhRow> jmh) {
        // Every repetition's raw row (repetition 1..N), then the point's row with repetition "median":
        // median throughput and percentiles, counts summed over the repetitions, and the throughput's spread.
        StringBuilder b = new StringBuilder("kind,system,concurrency,users,seconds,calls,allowed,denied,errors,throughput_per_s,"
                + "p50_us,p99_us,p999_us,max_us,bytes_per_user,repetition,throughput_min_per_s,throughput_max_per_s,spread_pct,"
                + "offered_per_s\n");
        for (PointSummary p : points) {
            for (Measurement m : p.windows()) {
                b.append(csvRow(m)).append(String.format(Locale.ROOT, ",%d,,,,%s%n", m.repetition(), offered(m)));
            }
            b.append(csvRow(p.median())).append(String.format(Locale.ROOT, ",median,%.1f,%.1f,%.1f,%s%n",
                    p.minThroughput(), p.maxThroughput(), p.spreadPercent(), offered(p.median())));
        }
        for (BenchDriver.MemoryRow r : memory) {
            b.append(String.format(Locale.ROOT, "memory,\"%s\",,1,,,,,,,,,,,%d,,,,,%n", r.system(), r.bytesPerUser()));
        }
        for (JmhRow r : jmh) {
            b.append(String.format(Locale.ROOT, "jmh,\"%s\",%d,,,,,,,%.1f,,,,,,,,,,%n", r.benchmark(), r.threads(), r.opsPerSecond()));
        }
        return b.toString();
    }

    private static String csvRow(Measurement m) {
        return String.format(Locale.ROOT, "%s,\"%s\",%d,%d,%.2f,%d,%d,%d,%d,%.1f,%.0f,%.0f,%.0f,%.0f,",
                m.kind(), m.system(), m.concurrency(), m.users(), m.seconds(), m.calls(), m.allowed(), m.denied(),
                m.errors(), m.throughput(), m.p50Micros(), m.p99Micros(), m.p999Micros(), m.maxMicros());
    }

    private static String offered(Measurement m) {
        return m.offeredPerSecond() > 0 ? String.format(Locale.ROOT, "%.1f", m.offeredPerSecond()) : "";
    }

    private String markdown(List<JmhRow> jmh) {
        StringBuilder b = new StringBuilder();
        b.append("# Tollgate benchmark results\n\n");
        b.append("Run ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(options.smoke() ? " (**smoke run: durations too short to mean anything**)" : "").append("\n\n");
        b.append("| machine | |\n|---|---|\n");
        b.append("| cores (nproc) | ").append(machine.cores()).append(" |\n");
        b.append("| CPU | ").append(machine.cpu()).append(" |\n");
        b.append("| JDK | ").append(machine.jdk()).append(" |\n");
        b.append("| OS | ").append(machine.os()).append(" |\n\n");
        b.append("Command: `").append(options.command()).append("`")
                .append(options.revision() == null ? "" : " at revision " + options.revision()).append(". ");
        b.append(String.format(Locale.ROOT, "Closed loop, %.1f s warm-up then %d × %.1f s measured back to back per point, "
                        + "%d ENTERPRISE users drawn uniformly, cost 1. ",
                options.warmup().toMillis() / 1e3, options.repeat(), options.measure().toMillis() / 1e3, options.users()));
        b.append("Load generator and servers share the same cores; latencies are in milliseconds.\n\n");
        b.append("Every number in the tables is the median over a point's ").append(options.repeat())
                .append(" repetition(s) (each percentile's median taken separately); \"min–max\" is the range of the ")
                .append("repetitions' throughputs and \"±\" half that range as a percentage of the median. Denied, errors ")
                .append("and decided are summed over the repetitions. results.csv has every repetition's row and the ")
                .append("median row of each point.\n\n");

        b.append("## Acquire over HTTP\n\n");
        b.append("| system | concurrency | acquires/s | min–max | ± | p50 ms | p99 ms | p99.9 ms |");
        RATIO_BASES.forEach(base -> b.append(" ÷ ").append(base).append(" |"));
        b.append(" denied | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|");
        RATIO_BASES.forEach(base -> b.append("---:|"));
        b.append("---:|---:|\n");
        for (PointSummary p : kind("http")) {
            Measurement m = p.median();
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %s | %s | %s |",
                    m.system(), m.concurrency(), m.throughput(), p.range(), p.spread(), ms(m.p50Micros()),
                    ms(m.p99Micros()), ms(m.p999Micros())));
            RATIO_BASES.forEach(base -> b.append(' ').append(ratio("http", m, base)).append(" |"));
            b.append(String.format(Locale.ROOT, " %d | %d |%n", m.denied(), m.errors()));
        }
        b.append("\n\"÷ X\" is this row's median throughput divided by X's median throughput at the same concurrency ")
                .append("(blank where X was not measured). tollgate-floor is a Tollgate sidecar (tollgate-1's launcher, ")
                .append("every filter on) answering GET /health/live instead of acquires: \"÷ tollgate-floor\" is the share ")
                .append("of the sidecar's cheapest route that an acquire keeps. http-floor is the baselines' Helidon front ")
                .append("parsing the acquire and answering without deciding.\n\n");

        b.append("## Never-seen users over HTTP (Tollgate)\n\n");
        b.append("Every acquire by a user new to the system: its policy and ledger base are read from PostgreSQL. ")
                .append("\"failure policy\" counts answers given because the decision timeout (200 ms) passed.\n\n");
        b.append("| system | concurrency | acquires/s | min–max | ± | p50 ms | p99 ms | decided | failure policy |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PointSummary p : kind("cold")) {
            Measurement m = p.median();
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %s | %s | %.1f%% | %d |%n", m.system(),
                    m.concurrency(), m.throughput(), p.range(), p.spread(), ms(m.p50Micros()), ms(m.p99Micros()),
                    m.calls() == 0 ? 0.0 : 100.0 * (m.allowed() + m.denied()) / m.calls(), m.errors()));
        }
        b.append("\n");

        b.append("## Backends alone (no HTTP)\n\n");
        b.append("| backend | concurrency | calls/s | min–max | ± | p50 ms | p99 ms | p99.9 ms | denied | errors |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PointSummary p : kind("backend")) {
            Measurement m = p.median();
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %s | %s | %s | %s | %d | %d |%n", m.system(),
                    m.concurrency(), m.throughput(), p.range(), p.spread(), ms(m.p50Micros()), ms(m.p99Micros()),
                    ms(m.p999Micros()), m.denied(), m.errors()));
        }

        b.append("\n## Memory per active user (one ENTERPRISE user at its limits)\n\n");
        b.append("| system | bytes per user | redis-lua ÷ this | ≤ 1 KB target | how |\n|---|---:|---:|---|---|\n");
        Optional<Long> redisBytes = memory.stream().filter(r -> r.system().equals("redis-lua"))
                .map(BenchDriver.MemoryRow::bytesPerUser).findFirst();
        for (BenchDriver.MemoryRow r : memory) {
            String ratio = redisBytes.filter(x -> r.bytesPerUser() > 0)
                    .map(x -> String.format(Locale.ROOT, "%.0f×", (double) x / r.bytesPerUser())).orElse("");
            b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s |%n", r.system(), r.bytesPerUser(), ratio,
                    r.system().startsWith("tollgate") ? (r.bytesPerUser() <= 1024 ? "met" : "missed") : "",
                    r.detail()));
        }

        b.append("\n## Scale: distinct active users\n\n");
        b.append("| system | users | concurrency | acquires/s | min–max | ± | p99 ms | µs of wall time per decision | vs 1k users |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PointSummary p : kind("scale")) {
            Measurement m = p.median();
            Optional<Measurement> base = kind("scale").stream().map(PointSummary::median)
                    .filter(o -> o.system().equals(m.system()) && o.users() == options.scaleUsers().getFirst()).findFirst();
            String vs = base.map(o -> String.format(Locale.ROOT, "%.2f", o.throughput() / m.throughput())).orElse("");
            b.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.0f | %s | %s | %s | %.1f | %s |%n", m.system(), m.users(),
                    m.concurrency(), m.throughput(), p.range(), p.spread(), ms(m.p99Micros()), 1e6 / m.throughput(), vs));
        }
        b.append("\n\"vs 1k users\" is the cost per decision relative to the smallest population (1.00 = flat).\n");

        if (!kind("open").isEmpty()) {
            b.append("\n## Open loop: fixed arrival rate\n\n");
            b.append("Requests sent at a fixed rate over a pool of connections, each at its intended time; latency is ")
                    .append("measured from the intended send time, so time spent waiting for a free connection or behind a ")
                    .append("stalled call counts (coordinated omission corrected). The rate is `--open-rate`, or ")
                    .append(String.format(Locale.ROOT, "%.2f", options.openFraction()))
                    .append(" × the system's closed-loop median at c=64 (see the notes). \"achieved/s\" counts answers ")
                    .append("received during each window; errors include requests never sent before the drain deadline.\n\n");
            b.append("| system | connections | offered/s | achieved/s | min–max | ± | p50 ms | p99 ms | p99.9 ms | denied | errors |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (PointSummary p : kind("open")) {
                Measurement m = p.median();
                b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %s | %s | %s | %s | %d | %d |%n",
                        m.system(), m.concurrency(), m.offeredPerSecond(), m.throughput(), p.range(), p.spread(),
                        ms(m.p50Micros()), ms(m.p99Micros()), ms(m.p999Micros()), m.denied(), m.errors()));
            }
        }

        if (!kind("many").isEmpty()) {
            List<String> bases = RATIO_BASES.stream().filter(x -> !x.equals("tollgate-floor")).toList();
            b.append("\n## Many users, skewed popularity\n\n");
            b.append(String.format(Locale.ROOT, "%,d ENTERPRISE users (registered and made active first, see the notes), "
                    + "each call's user drawn with Zipf popularity (s = %.2f: the k-th most popular user is drawn ∝ 1/k^s); "
                    + "closed loop. The most popular users call more than ENTERPRISE allows (1,000/min), so part of the "
                    + "answers are denials, under the same limits in every system.%n%n", options.manyUsers(), options.manyZipf()));
            b.append("| system | users | concurrency | acquires/s | min–max | ± | p50 ms | p99 ms | p99.9 ms |");
            bases.forEach(base -> b.append(" ÷ ").append(base).append(" |"));
            b.append(" denied | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            bases.forEach(base -> b.append("---:|"));
            b.append("---:|---:|\n");
            for (PointSummary p : kind("many")) {
                Measurement m = p.median();
                b.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.0f | %s | %s | %s | %s | %s |", m.system(), m.users(),
                        m.concurrency(), m.throughput(), p.range(), p.spread(), ms(m.p50Micros()), ms(m.p99Micros()),
                        ms(m.p999Micros())));
                bases.forEach(base -> b.append(' ').append(ratio("many", m, base)).append(" |"));
                b.append(String.format(Locale.ROOT, " %.1f%% | %d |%n",
                        m.calls() == 0 ? 0.0 : 100.0 * m.denied() / m.calls(), m.errors()));
            }
        }

        b.append("\n## Ledger writes to PostgreSQL (Tollgate)\n\n");
        b.append("From pg_stat_database of the sidecars' database (xact_commit; tup_inserted + tup_updated) and the ")
                .append("members' flush rounds (GET /admin/ledger/status), over warm-up + measurement of each point.\n\n");
        b.append("| point | database activity (transactions include reads: policy and ledger look-ups of users not yet cached) |\n|---|---|\n");
        for (BenchDriver.LedgerRow r : ledger) {
            b.append("| ").append(r.point()).append(" | ").append(r.rate()).append(" |\n");
        }
        b.append("\n## Core algorithm alone (JMH)\n\n");
        if (jmh.isEmpty()) {
            b.append("No JMH results (run through bench.sh).\n");
        } else {
            b.append("| benchmark | threads | ops/s | ± (99.9%) | ns/op |\n|---|---:|---:|---:|---:|\n");
            for (JmhRow r : jmh) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |%n", r.benchmark(), r.threads(),
                        r.opsPerSecond(), r.error(), 1e9 / r.opsPerSecond()));
            }
        }

        if (!kind("http").isEmpty()) { // BenchCharts draws the HTTP sweep only
            b.append("\n## Charts\n\n![throughput](throughput.png)\n\n![latency](latency.png)\n\n![p99](p99.png)\n");
        }
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }

    /** The systems every HTTP row's median throughput is divided by, at the same concurrency. */
    static final List<String> RATIO_BASES = List.of("bucket4j-hz-1", "redis-lua", "tollgate-floor", "http-floor");

    private List<PointSummary> kind(String kind) {
        return points.stream().filter(p -> p.median().kind().equals(kind)).toList();
    }

    /** This point's median throughput ÷ the baseline's median at the same kind and concurrency; "" without one. */
    private String ratio(String kind, Measurement m, String baseline) {
        return kind(kind).stream().map(PointSummary::median)
                .filter(o -> o.system().equals(baseline) && o.concurrency() == m.concurrency() && o.throughput() > 0)
                .findFirst().map(o -> String.format(Locale.ROOT, "%.2f", m.throughput() / o.throughput())).orElse("");
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, micros < 10_000 ? "%.2f" : "%.0f", micros / 1000);
    }

    /** One row of JMH's CSV output ({@code -rf csv}). */
    record JmhRow(String benchmark, int threads, double opsPerSecond, double error) {
        static List<JmhRow> read(Path csv) throws IOException {
            List<JmhRow> rows = new ArrayList<>();
            if (csv == null || !Files.isRegularFile(csv)) {
                return rows;
            }
            List<String> lines = Files.readAllLines(csv);
            for (String line : lines.subList(1, lines.size())) {
                // "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
                String[] f = line.split(",");
                if (f.length < 7 || !f[1].contains("thrpt")) {
                    continue;
                }
                String name = f[0].replace("\"", "");
                name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
                double score = Double.parseDouble(f[4]);
                double err = f[5].isBlank() || f[5].contains("NaN") ? 0 : Double.parseDouble(f[5]);
                rows.add(new JmhRow(name, Integer.parseInt(f[2]), score, err));
            }
            return rows;
        }
    }
}
