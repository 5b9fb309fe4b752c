package io.tollgate.bench;

/** One baseline's decision logic behind the shared HTTP front. */
interface DecisionBackend extends AutoCloseable {

    /** Decides one acquire of {@code cost} units for {@code userId}. */
    BenchDecision acquire(String userId, String apiId, long cost) throws Exception;

    /**
     * Makes users {@code prefix0 .. prefix(count-1)} active (one decision each) as fast as the
     * backend allows in-process, stopping at {@code deadlineMillis}; returns how many were made
     * active. Used by the scale runs so that 1M users do not have to pass through HTTP first.
     */
    long prefill(String prefix, long count, long deadlineMillis) throws Exception;

    @Override
    void close();
}
