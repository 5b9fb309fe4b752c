package io.tollgate.chaos;

/**
 * What an acquire's answer means for the checkers. {@link #ERROR} is indeterminate, as in Jepsen: the request may
 * or may not have been counted (a timeout, a refused or reset connection, an unexpected status).
 */
public enum AnswerKind {
    ALLOWED,
    DENIED,
    FAILURE_OPEN,
    FAILURE_CLOSED,
    /** Refused, nothing counted: the user was new to an owner short of heap (503, outcome "shed"). */
    SHED,
    ERROR;

    /** The answer is a decision (including the configured failure policy), not an indeterminate error. */
    public boolean decided() {
        return this != ERROR;
    }

    static AnswerKind fromOutcome(int status, String outcome) {
        if (outcome == null) {
            return ERROR;
        }
        return switch (outcome) {
            case "allowed" -> status == 200 ? ALLOWED : ERROR;
            case "denied_rate", "denied_quota" -> status == 429 ? DENIED : ERROR;
            case "failure_open" -> status == 200 ? FAILURE_OPEN : ERROR;
            case "failure_closed" -> status == 503 ? FAILURE_CLOSED : ERROR;
            case "shed" -> status == 503 ? SHED : ERROR;
            default -> ERROR;
        };
    }
}
