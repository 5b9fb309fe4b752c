package io.tollgate.core;

/** Per-period allowance of the three meters. */
public record Quota(long requests, long bandwidthBytes, long computeMs) {
    public Quota {
        if (requests < 0 || bandwidthBytes < 0 || computeMs < 0) {
            throw new IllegalArgumentException("quota values must not be negative");
        }
    }

    public long of(Meter meter) {
        return switch (meter) {
            case REQUESTS -> requests;
            case BANDWIDTH_BYTES -> bandwidthBytes;
            case COMPUTE_MS -> computeMs;
        };
    }
}
