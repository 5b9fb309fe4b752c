package io.tollgate.bench;

/**
 * What the closed loop drives: each worker gets its own {@link Caller} (its own connection, its own
 * random stream), so workers share nothing while measuring.
 */
interface Workload {

    Caller newCaller(int worker) throws Exception;

    /** One call; returns 200 (allowed), 429 (denied) or any other code (an error). */
    interface Caller extends AutoCloseable {
        int call() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }
}
