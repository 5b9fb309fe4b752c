package io.tollgate.cluster;

import io.tollgate.core.Decision;

/**
 * What the idempotency map keeps under a request_id: the first answer, and what was asked (the API and the
 * amounts; the user is in the key). A retry of the same request_id gets the first answer back; one whose body
 * differs is a different call reusing the id, and {@link #differingField} names what differs so the caller can
 * be told (422) instead of being handed an answer to another question.
 *
 * @param amount  the cost of an acquire, the bytes of a usage report
 * @param amount2 the compute milliseconds of a usage report (0 for an acquire)
 */
public record FirstAnswer(Decision decision, String apiId, long amount, long amount2) {

    public static FirstAnswer ofAcquire(Decision decision, String apiId, long cost) {
        return new FirstAnswer(decision, apiId, cost, 0);
    }

    public static FirstAnswer ofUsage(Decision decision, String apiId, long bytes, long computeMs) {
        return new FirstAnswer(decision, apiId, bytes, computeMs);
    }

    /** The first field of an acquire that differs from this record's call, or null when it is the same call. */
    public String differingAcquireField(String apiId, long cost) {
        return !this.apiId.equals(apiId) ? "api_id" : amount != cost ? "cost" : null;
    }

    /** The first field of a usage report that differs from this record's call, or null when it is the same call. */
    public String differingUsageField(String apiId, long bytes, long computeMs) {
        return !this.apiId.equals(apiId) ? "api_id" : amount != bytes ? "bytes" : amount2 != computeMs ? "compute_ms" : null;
    }
}
