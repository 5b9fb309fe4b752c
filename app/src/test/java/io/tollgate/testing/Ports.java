package io.tollgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test starts itself (Hazelcast members, PostgreSQL, Prometheus). */
public final class Ports {
    private Ports() {
    }

    /**
     * A port nothing listens on at this moment. Bound on every interface, not just loopback, because the
     * servers it is meant for may bind that way too.
     */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
