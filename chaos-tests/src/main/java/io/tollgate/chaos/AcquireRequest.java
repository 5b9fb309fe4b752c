package io.tollgate.chaos;

/** One acquire as the load generator sends it; {@code requestId} may be null (no idempotency key). */
public record AcquireRequest(String userId, String apiId, long cost, String requestId) {

    public static AcquireRequest of(String userId, String apiId) {
        return new AcquireRequest(userId, apiId, 1, null);
    }

    public AcquireRequest withRequestId(String id) {
        return new AcquireRequest(userId, apiId, cost, id);
    }
}
