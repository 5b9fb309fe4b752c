package io.tollgate.core;

/** Amounts of the three meters. Sums are exact: an overflow throws {@link ArithmeticException}, never wraps. */
public record Totals(long requests, long bytes, long computeMs) {
    public static final Totals ZERO = new Totals(0, 0, 0);

    public Totals plus(Totals o) {
        return new Totals(Math.addExact(requests, o.requests), Math.addExact(bytes, o.bytes),
                Math.addExact(computeMs, o.computeMs));
    }

    public Totals minus(Totals o) {
        return new Totals(Math.subtractExact(requests, o.requests), Math.subtractExact(bytes, o.bytes),
                Math.subtractExact(computeMs, o.computeMs));
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
