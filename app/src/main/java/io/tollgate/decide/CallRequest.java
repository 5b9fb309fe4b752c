package io.tollgate.decide;

/**
 * One acquire or check as a front validated it. {@code requestId} may be null; {@code userId} is null only in a
 * batch of {@link DecisionService#acquireAll}, for a call of the API's global limits alone.
 */
public record CallRequest(String userId, String apiId, long cost, String requestId) {
}
