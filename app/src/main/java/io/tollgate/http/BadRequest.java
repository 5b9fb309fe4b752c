package io.tollgate.http;

/** A request Tollgate will not act on; becomes a 4xx JSON error naming the field. */
public final class BadRequest extends RuntimeException {
    private final int status;
    private final String field;

    public BadRequest(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    public static BadRequest field(String field, String message) {
        return new BadRequest(400, field, message);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
