package io.tollgate.chaos;

import java.util.ArrayList;
import java.util.List;

/** Cuts a {@code jcmd Thread.print} dump down to the threads that explain a stalled member. */
final class ThreadDumps {

    private ThreadDumps() {
    }

    /** The main thread, Hazelcast's operation and response threads and every BLOCKED thread, {@code frames} frames each. */
    static String interesting(String dump, int frames) {
        List<String> out = new ArrayList<>();
        for (String thread : dump.split("\\n\\s*\\n")) {
            String header = thread.strip().lines().findFirst().orElse("");
            boolean wanted = header.startsWith("\"main\"") || header.contains("operation.thread")
                    || header.contains("response-") || thread.contains("java.lang.Thread.State: BLOCKED");
            if (wanted) {
                List<String> lines = thread.strip().lines().toList();
                out.add(String.join("\n", lines.subList(0, Math.min(lines.size(), frames + 2))));
            }
        }
        return out.isEmpty() ? dump : String.join("\n\n", out);
    }
}
