package io.tollgate.bench;

/**
 * What a baseline decided, in the shape of Tollgate's decision body (contract: allowed, outcome,
 * limit, remaining, reset_at, retry_after_seconds, scope, window, quota, request_id, trace_id).
 *
 * @param window the deciding window's wire name ("minute", "hour", "day"), null when nothing decided
 */
record BenchDecision(boolean allowed, long limit, long remaining, long resetAtEpochSeconds,
                     long retryAfterSeconds, String window) {

    /** The HTTP floor's answer: allowed, and nothing was looked at. */
    static final BenchDecision UNDECIDED = new BenchDecision(true, 0, Long.MAX_VALUE, 0, 0, null);

    int httpStatus() {
        return allowed ? 200 : 429;
    }

    String outcome() {
        return allowed ? "allowed" : "denied_rate";
    }

    /** The JSON body, written by hand: no reflection on the hot path of any system. */
    byte[] toJson(String requestId) {
        StringBuilder b = new StringBuilder(220);
        b.append("{\"allowed\":").append(allowed)
                .append(",\"outcome\":\"").append(outcome()).append('"')
                .append(",\"limit\":").append(limit)
                .append(",\"remaining\":").append(remaining)
                .append(",\"reset_at\":").append(resetAtEpochSeconds)
                .append(",\"retry_after_seconds\":").append(retryAfterSeconds)
                .append(",\"scope\":").append(window == null ? "null" : "\"user\"")
                .append(",\"window\":").append(window == null ? "null" : '"' + window + '"')
                .append(",\"quota\":null,\"request_id\":");
        if (requestId == null) {
            b.append("null");
        } else {
            b.append('"').append(requestId.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        b.append(",\"trace_id\":null}");
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static long ceilSeconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
