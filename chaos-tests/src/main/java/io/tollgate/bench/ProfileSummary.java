package io.tollgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a sidecar's CPU goes, from async-profiler's collapsed stacks ({@code frame;frame;... count} per line):
 * each sample is given to the first role whose pattern its stack matches, and a few costs that cut across roles
 * (kernel scheduling, socket writes) are shown as shares of all samples too. Start-up stacks are left out.
 * Run by {@code chaos-tests/profile.sh}: {@code java ProfileSummary.java <file.collapsed>}.
 */
public final class ProfileSummary {

    private record Role(String name, Pattern pattern) {
    }

    private static final Pattern START_UP = Pattern.compile("io/tollgate/Tollgate\\.start|io/tollgate/Main\\.main");

    private static final List<Role> ROLES = List.of(
            role("JIT compilers", "CompileBroker"),
            role("garbage collection", "^(start_thread;)?thread_native_entry;Thread::call_run;(WorkerThread|ConcurrentGCThread)"),
            role("decision requests: the decision service", "io/tollgate/decide/DecisionService\\."),
            role("decision requests: writing the answer", "io/tollgate/http/DecisionResponses\\."),
            role("decision requests: reading the body", "io/tollgate/http/(CallBody|Json)\\."),
            role("HTTP requests: server, filters, other routes", "io/helidon/webserver/http1/Http1Connection"),
            role("Hazelcast partition threads: Tollgate's processors", "OperationThread.*io/tollgate/cluster/"),
            role("Hazelcast partition threads: Hazelcast itself", "OperationThread"),
            role("Hazelcast network and response threads", "NioThread|ResponseThread"),
            role("ledger flusher", "io/tollgate/ledger/"),
            role("virtual-thread scheduling", "java/util/concurrent/ForkJoin|java/lang/VirtualThread"),
            role("metrics collectors", "io/tollgate/observe/"),
            role("deadline wheel", "io/tollgate/cluster/DeadlineWheel"));

    private static final Map<String, Pattern> ACROSS = Map.of(
            "kernel scheduling (context switches, wake-ups)", Pattern.compile("finish_task_switch|_raw_spin_unlock_irqrestore"),
            "socket writes", Pattern.compile("SocketDispatcher\\.write"),
            "Tollgate's pure rules (io.tollgate.core)", Pattern.compile("io/tollgate/core/"));

    private ProfileSummary() {
    }

    private static Role role(String name, String regex) {
        return new Role(name, Pattern.compile(regex));
    }

    public static void main(String[] args) throws IOException {
        Map<String, Long> byRole = new LinkedHashMap<>();
        ROLES.forEach(r -> byRole.put(r.name(), 0L));
        byRole.put("other", 0L);
        Map<String, Long> across = new LinkedHashMap<>();
        ACROSS.keySet().forEach(k -> across.put(k, 0L));
        long total = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String stack = line.substring(0, space);
            if (START_UP.matcher(stack).find()) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1).trim());
            total += count;
            String role = "other";
            for (Role r : ROLES) {
                if (r.pattern().matcher(stack).find()) {
                    role = r.name();
                    break;
                }
            }
            byRole.merge(role, count, Long::sum);
            ACROSS.forEach((name, p) -> {
                if (p.matcher(stack).find()) {
                    across.merge(name, count, Long::sum);
                }
            });
        }
        System.out.printf("%d CPU samples after start-up%n%nby role (each sample once):%n", total);
        print(byRole, total);
        System.out.printf("%nacross roles (share of all samples):%n");
        print(across, total);
    }

    private static void print(Map<String, Long> counts, long total) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", total == 0 ? 0.0 : 100.0 * e.getValue() / total, e.getKey()));
    }
}
