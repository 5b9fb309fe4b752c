package io.tollgate.bench;

import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs: the same JDK as the driver, Hazelcast's module flags, a fixed heap. */
final class JvmLauncher {

    static final List<String> HAZELCAST_FLAGS = List.of(
            "--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    /** Heap for every server JVM, baselines and Tollgate alike (1M Bucket4j buckets fit). */
    static final String HEAP = "-Xmx2g";

    private JvmLauncher() {
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    /** {@code java <flags> -cp <the driver's classpath> mainClass args...} */
    static List<String> command(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(HAZELCAST_FLAGS);
        cmd.add(HEAP);
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Dhazelcast.phone.home.enabled=false");
        cmd.add("-Dhazelcast.logging.type=jdk");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
