package io.tollgate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for servers a test starts itself (Hazelcast members, PostgreSQL, Prometheus). */
public final class Ports {
    private static final int LOWEST = 10_000;

    private Ports() {
    }

    /**
     * A port nothing listens on at this moment, below the kernel's ephemeral range: a member that keeps
     * connecting to an absent peer's port in that range can be handed the same port as its source and connect
     * to itself, and Hazelcast then takes the peer's address for its own (the chaos harness's FreePorts says
     * more). Bound on every interface, not just loopback, because the servers it is meant for may bind that way.
     */
    public static int free() {
        int end = ephemeralRangeStart();
        int start = ThreadLocalRandom.current().nextInt(LOWEST, end);
        for (int i = 0; i < end - LOWEST; i++) {
            int port = LOWEST + (start - LOWEST + i) % (end - LOWEST);
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + end);
    }

    private static int ephemeralRangeStart() {
        try {
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
