package io.tollgate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's settings, from {@code --name value} arguments; {@code --smoke} switches every
 * duration and size to seconds-long values (CI keeps the command working with it).
 */
record BenchOptions(boolean smoke, Path out, Path tollgateJar, Path baselineJar, Path jmhCsv, List<String> systems,
                    List<Integer> levels, Duration warmup, Duration measure, long users,
                    List<Integer> backendLevels, List<Long> scaleUsers, int scaleConcurrency,
                    long prefillSeconds, List<String> scaleSystems, List<String> phases, List<Integer> coldLevels,
                    int repeat, double openRate, double openFraction, int openConnections,
                    int manyUsers, double manyZipf, List<Integer> manyLevels,
                    Path docs, String command, String revision, String partialReason) {

    /** Whether this run measures at least the full run: then, given {@code --docs}, it writes that page. */
    boolean full() {
        return partialReason == null;
    }

    /**
     * Every system of the full run. "floor" is the Helidon front answering without deciding; "tollgate-floor"
     * is a Tollgate sidecar (the tollgate-1 launcher) loaded with GET /health/live instead of acquires;
     * "tollgate-1-rid" is tollgate-1 with a request_id of its own on every acquire.
     */
    static final List<String> ALL_SYSTEMS = List.of("floor", "redis", "bucket4j-1", "bucket4j-3", "tollgate-floor",
            "tollgate-1", "tollgate-1-rid", "tollgate-3");

    static BenchOptions parse(String[] argv) {
        boolean smoke = Arrays.asList(argv).contains("--smoke");
        Path out = Path.of("target/bench");
        Path jar = Path.of("../app/target/tollgate.jar");
        Path jmh = null;
        Path baseline = null;
        // Smoke: seconds-long, one member per system, only to prove the command still works end to end.
        List<String> systems = smoke ? List.of("floor", "redis", "bucket4j-1", "tollgate-floor", "tollgate-1") : ALL_SYSTEMS;
        List<Integer> levels = smoke ? List.of(1, 4) : List.of(1, 4, 16, 64);
        Duration warmup = smoke ? Duration.ofMillis(300) : Duration.ofSeconds(3);
        Duration measure = smoke ? Duration.ofMillis(500) : Duration.ofSeconds(6);
        long users = smoke ? 1_000 : 5_000;
        List<Integer> backendLevels = smoke ? List.of(1) : List.of(1, 16);
        List<Long> scaleUsers = smoke ? List.of(1_000L) : List.of(1_000L, 100_000L, 1_000_000L);
        int scaleConcurrency = 16;
        long prefillSeconds = smoke ? 2 : 45;
        List<String> scaleSystems = smoke ? List.of("redis") : List.of("redis", "bucket4j-1", "tollgate-1");
        List<String> phases = smoke ? List.of("http", "cold", "backend") : List.of("http", "cold", "backend", "scale");
        // 200: the chaos suite's bursts of never-seen users (HostileInputTest).
        List<Integer> coldLevels = smoke ? List.of(16) : List.of(16, 200);
        // Measured windows per point, back to back after one warm-up: the report gives their median and spread.
        int repeat = smoke ? 1 : 3;
        // Open loop (--phases open): a fixed arrival rate, --open-rate or this fraction of the system's closed-loop
        // median at c=64, sent over a pool of this many connections.
        double openRate = 0;
        double openFraction = 0.5;
        int openConnections = 64;
        // Many users (--phases many): a marketplace's shape, many ENTERPRISE users with Zipf popularity.
        int manyUsers = 100_000;
        double manyZipf = 1.0;
        List<Integer> manyLevels = List.of(16, 64);
        // --docs FILE: the page a full run writes (bench.sh: docs/benchmarks.md); --command and --revision: what
        // produced the run, for the report's header.
        Path docs = null;
        String command = "bash chaos-tests/bench.sh" + (smoke ? " --smoke" : "");
        String revision = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--smoke" -> { }
                case "--out" -> out = Path.of(argv[++i]);
                case "--tollgate-jar" -> jar = Path.of(argv[++i]);
                case "--jmh-csv" -> jmh = Path.of(argv[++i]);
                case "--baseline-jar" -> baseline = Path.of(argv[++i]);
                case "--systems" -> systems = List.of(argv[++i].split(","));
                case "--levels" -> levels = ints(argv[++i]);
                case "--warmup-seconds" -> warmup = Duration.ofMillis((long) (Double.parseDouble(argv[++i]) * 1000));
                case "--measure-seconds" -> measure = Duration.ofMillis((long) (Double.parseDouble(argv[++i]) * 1000));
                case "--users" -> users = Long.parseLong(argv[++i]);
                case "--scale-users" -> scaleUsers = ints(argv[++i]).stream().map(Integer::longValue).toList();
                case "--scale-systems" -> scaleSystems = List.of(argv[++i].split(","));
                case "--prefill-seconds" -> prefillSeconds = Long.parseLong(argv[++i]);
                case "--phases" -> phases = List.of(argv[++i].split(","));
                case "--cold-levels" -> coldLevels = ints(argv[++i]);
                case "--repeat" -> repeat = positive(a, Integer.parseInt(argv[++i]));
                case "--open-rate" -> openRate = Double.parseDouble(argv[++i]);
                case "--open-fraction" -> openFraction = Double.parseDouble(argv[++i]);
                case "--open-connections" -> openConnections = positive(a, Integer.parseInt(argv[++i]));
                case "--many-users" -> manyUsers = positive(a, Integer.parseInt(argv[++i]));
                case "--many-zipf" -> manyZipf = Double.parseDouble(argv[++i]);
                case "--many-levels" -> manyLevels = ints(argv[++i]);
                case "--docs" -> docs = Path.of(argv[++i]);
                case "--command" -> command = argv[++i];
                case "--revision" -> revision = argv[++i];
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (baseline != null && !systems.contains("tollgate-1-before")) {
            // An older build of Tollgate beside this one, same run, same load: the before/after pair.
            List<String> withBaseline = new ArrayList<>(systems);
            withBaseline.add(withBaseline.indexOf("tollgate-1") + 1, "tollgate-1-before");
            systems = List.copyOf(withBaseline);
        }
        String partial = smoke ? "--smoke" : partialReason(systems, phases, levels, coldLevels, scaleUsers, scaleSystems,
                warmup, measure, repeat, users, prefillSeconds);
        return new BenchOptions(smoke, out, jar, baseline, jmh, systems, levels, warmup, measure, users, backendLevels,
                scaleUsers, scaleConcurrency, prefillSeconds, scaleSystems, phases, coldLevels, repeat,
                openRate, openFraction, openConnections, manyUsers, manyZipf, manyLevels, docs, command, revision, partial);
    }

    /**
     * Why a run that is not --smoke is not a full run, or null when it is one: a full run measures at least
     * what the default run measures, at least as long; any narrowing makes it partial.
     */
    private static String partialReason(List<String> systems, List<String> phases, List<Integer> levels,
                                        List<Integer> coldLevels, List<Long> scaleUsers, List<String> scaleSystems,
                                        Duration warmup, Duration measure, int repeat, long users, long prefillSeconds) {
        List<String> gaps = new ArrayList<>();
        if (!systems.containsAll(ALL_SYSTEMS)) {
            gaps.add("--systems leaves out some of " + String.join(",", ALL_SYSTEMS));
        }
        if (!phases.containsAll(List.of("http", "cold", "backend", "scale"))) {
            gaps.add("--phases leaves out some of http,cold,backend,scale");
        }
        if (!levels.containsAll(List.of(1, 4, 16, 64))) {
            gaps.add("--levels leaves out some of 1,4,16,64");
        }
        if (!coldLevels.containsAll(List.of(16, 200))) {
            gaps.add("--cold-levels leaves out 16 or 200");
        }
        if (!scaleUsers.containsAll(List.of(1_000L, 100_000L, 1_000_000L))
                || !scaleSystems.containsAll(List.of("redis", "bucket4j-1", "tollgate-1"))) {
            gaps.add("--scale-users or --scale-systems narrowed");
        }
        if (warmup.compareTo(Duration.ofSeconds(3)) < 0 || measure.compareTo(Duration.ofSeconds(6)) < 0) {
            gaps.add("warm-up or measured window shorter than 3 s + 6 s");
        }
        if (repeat < 3) {
            gaps.add("--repeat below 3");
        }
        if (users < 5_000 || prefillSeconds < 45) {
            gaps.add("--users below 5000 or --prefill-seconds below 45");
        }
        return gaps.isEmpty() ? null : String.join("; ", gaps);
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1: " + value);
        }
        return value;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> r = new ArrayList<>();
        for (String s : csv.split(",")) {
            r.add(Integer.parseInt(s.trim()));
        }
        return r;
    }
}
