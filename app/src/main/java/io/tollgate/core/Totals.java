package io.tollgate.core;

/** Amounts of the three meters. */
public record Totals(long requests, long bytes, long computeMs) {
    public static final Totals ZERO = new Totals(0, 0, 0);

    public Totals plus(Totals o) {
        return new Totals(requests + o.requests, bytes + o.bytes, computeMs + o.computeMs);
    }

    public Totals minus(Totals o) {
        return new Totals(requests - o.requests, bytes - o.bytes, computeMs - o.computeMs);
    }

    public boolean isZero() {
        return requests == 0 && bytes == 0 && computeMs == 0;
    }

    public long of(Meter meter) {
        return switch (meter) {
            case REQUESTS -> requests;
            case BANDWIDTH_BYTES -> bytes;
            case COMPUTE_MS -> computeMs;
        };
    }
}
