package io.tollgate.decide;

/** One acquire or check as the HTTP layer validated it. {@code requestId} may be null. */
public record CallRequest(String userId, String apiId, long cost, String requestId) {
}
