package io.tollgate.bench;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A system the driver measures over HTTP: HTTP endpoints (one per member) plus start and stop hooks.
 * Adding a system to the benchmark means implementing this and listing it in {@link BenchDriver}.
 */
interface SystemUnderTest extends AutoCloseable {

    /** Short name used in tables, CSV and charts. */
    String name();

    /** Starts everything the system needs and returns once every endpoint answers. */
    List<InetSocketAddress> start() throws Exception;

    /**
     * Makes {@code users} benchmark users known with the benchmark tier (ENTERPRISE), where the
     * system needs that (Tollgate's unknown users are FREE); the baselines have the tier built in.
     */
    default void prepareUsers(UserPopulation users) throws Exception {
    }

    /**
     * Makes the first {@code users.count()} users active within {@code seconds}; returns how many
     * were made active, or -1 when the system cannot (then the scale run only counts users the load touches).
     */
    default long prefill(UserPopulation users, long seconds) throws Exception {
        return -1;
    }

    /** Stops every process the system started. */
    @Override
    void close();
}
