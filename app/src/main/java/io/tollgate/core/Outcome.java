package io.tollgate.core;

/** How a decision came about. */
public enum Outcome {
    ALLOWED("allowed"),
    DENIED_RATE("denied_rate"),
    DENIED_QUOTA("denied_quota"),
    /** The cluster could not decide in time and the configured policy is fail-open. */
    FAILURE_OPEN("failure_open"),
    /** The cluster could not decide in time and the configured policy is fail-closed. */
    FAILURE_CLOSED("failure_closed"),
    /** The user is new to the member that would keep its counters, and that member is short of memory. */
    SHED("shed");

    private final String wireName;

    Outcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean allowed() {
        return this == ALLOWED || this == FAILURE_OPEN;
    }
}
