package io.tollgate.core;

/**
 * The answer to "may this call go ahead?", flowing unchanged from the core to the HTTP headers.
 *
 * @param outcome        allowed, denied (by a rate window or by a quota), or a failure-policy answer
 * @param limit          the limit of the deciding window or quota (0 when nothing applies)
 * @param remaining      units left in it after this decision
 * @param resetAtMillis  when the deciding window next frees capacity, or the quota period ends
 * @param retryAfterMillis how long to wait before the same call can succeed (0 when allowed)
 * @param scope          the deciding scope, null for a quota or when nothing applies
 * @param window         the deciding window, null for a quota or when nothing applies
 * @param meter          the deciding quota meter, null unless a quota decided
 */
public record Decision(Outcome outcome, long limit, long remaining, long resetAtMillis, long retryAfterMillis,
                       Scope scope, Window window, Meter meter) {

    public boolean allowed() {
        return outcome.allowed();
    }

    /** Nothing limits this call. */
    public static Decision unlimited(long now) {
        return new Decision(Outcome.ALLOWED, 0, Long.MAX_VALUE, now, 0, null, null, null);
    }

    public static Decision failure(Outcome policy, long now) {
        return new Decision(policy, 0, 0, now, policy == Outcome.FAILURE_OPEN ? 0 : 1000, null, null, null);
    }

    /** Refused for lack of memory at the owner: nothing was counted; worth trying again in a second. */
    public static Decision shed(long now) {
        return new Decision(Outcome.SHED, 0, 0, now, 1000, null, null, null);
    }

    public Decision withOutcome(Outcome other) {
        return new Decision(other, limit, remaining, resetAtMillis, retryAfterMillis, scope, window, meter);
    }
}
