package io.tollgate.decide;

/** Told about every decision (metrics, events). Must be fast and must not throw. */
public interface DecisionListener {
    enum Kind { ACQUIRE, CHECK }

    void decided(Kind kind, CallRequest request, DecisionResult result, long nanos);

    DecisionListener NONE = (kind, request, result, nanos) -> { };
}
