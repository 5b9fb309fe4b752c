package io.tollgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run was measured on, for the report: cores, CPU model, JDK. */
record Machine(int cores, String cpu, String jdk, String os) {

    static Machine describe() {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), cpu,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }
}
