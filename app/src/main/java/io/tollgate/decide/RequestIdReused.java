package io.tollgate.decide;

/**
 * A request_id that already answered a different call (another API, cost or amounts): answered 422 naming
 * {@link #field}, and nothing is counted. Reusing an id for a new call is a caller's bug; replaying the first
 * answer would tell it about a call it did not make.
 */
public final class RequestIdReused extends RuntimeException {
    private final String field;

    public RequestIdReused(String field) {
        super("request_id was already used for a call with a different " + field
                + "; a retry must repeat the first call exactly, a new call needs a new request_id");
        this.field = field;
    }

    public String field() {
        return field;
    }
}
