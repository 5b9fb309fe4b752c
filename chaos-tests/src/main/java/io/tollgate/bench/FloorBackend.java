package io.tollgate.bench;

/** The HTTP floor: the request is parsed by the front, nothing is decided, the answer is "allowed". */
final class FloorBackend implements DecisionBackend {

    @Override
    public BenchDecision acquire(String userId, String apiId, long cost) {
        return BenchDecision.UNDECIDED;
    }

    @Override
    public long prefill(String prefix, long count, long deadlineMillis) {
        return count;
    }

    @Override
    public void close() {
    }
}
