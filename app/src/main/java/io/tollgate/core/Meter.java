package io.tollgate.core;

/** The three quota meters of a billing period. */
public enum Meter {
    REQUESTS("requests"),
    BANDWIDTH_BYTES("bandwidth_bytes"),
    COMPUTE_MS("compute_ms");

    private final String wireName;

    Meter(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
