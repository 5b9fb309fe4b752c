package io.tollgate.chaos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports below the kernel's ephemeral range. A member keeps trying to connect to a dead member's port;
 * when that port lies in the ephemeral range, one of those attempts can be given the same port as its own source
 * and connect to itself (TCP self-connect on loopback). Hazelcast then took the dead member's address for its own
 * ("Packet send task is rejected. Target is this node!"), and the member restarted on that address never finished
 * joining: seen in a clean-clone CI run. Ports handed out earlier in this JVM are skipped, because a stopped member
 * keeps its ports for a restart.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int[] take(int count) {
        int end = ephemeralRangeStart();
        int[] ports = new int[count];
        int found = 0;
        int candidate = ThreadLocalRandom.current().nextInt(LOWEST, end);
        for (int tried = 0; found < count && tried < end - LOWEST; tried++) {
            candidate = candidate + 1 >= end ? LOWEST : candidate + 1;
            if (!HANDED_OUT.contains(candidate) && bindable(candidate)) {
                HANDED_OUT.add(candidate);
                ports[found++] = candidate;
            }
        }
        if (found < count) {
            throw new IllegalStateException("no free port between " + LOWEST + " and " + end);
        }
        return ports;
    }

    public static int take() {
        return take(1)[0];
    }

    /**
     * The first port of the kernel's ephemeral range (Linux's default 32768 when it cannot be read). Read by lines:
     * /proc files report a size of 0, and readString returned one character.
     */
    static int ephemeralRangeStart() {
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
