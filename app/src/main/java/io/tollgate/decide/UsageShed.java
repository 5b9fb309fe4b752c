package io.tollgate.decide;

/**
 * A usage report the owner of the user's entry refused: the user has no entry there and that member is short of
 * heap ({@link io.tollgate.cluster.MemoryValve}). Answered 503 with Retry-After; nothing was recorded, so the
 * report may be sent again as is.
 */
public final class UsageShed extends RuntimeException {
    public UsageShed() {
        super("the member that keeps this user's usage is short of memory and takes no new users now; retry later");
    }
}
