package io.tollgate.decide;

/** The cluster gave no usable answer in time (timeout, lost members, no majority). */
public final class ClusterUnavailable extends RuntimeException {
    public ClusterUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
