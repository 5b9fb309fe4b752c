package io.tollgate.chaos;

/**
 * One recorded answer: who asked whom, when (nanoTime of send and of answer, on the harness's clock), the HTTP
 * status (0 when there was none), the decision's outcome field, and the error text for indeterminate answers.
 */
public record AcquireAnswer(AcquireRequest request, String member, long sentNanos, long answeredNanos,
                            int status, String outcome, AnswerKind kind, String error) {

    public long latencyNanos() {
        return answeredNanos - sentNanos;
    }

    public double latencyMillis() {
        return latencyNanos() / 1e6;
    }

    public boolean allowed() {
        return kind == AnswerKind.ALLOWED;
    }

    public boolean denied() {
        return kind == AnswerKind.DENIED;
    }

    @Override
    public String toString() {
        return member + " " + request.userId() + " " + request.requestId() + " -> " + status + " " + outcome
                + (error == null ? "" : " (" + error + ")") + String.format(" %.1fms", latencyMillis());
    }
}
