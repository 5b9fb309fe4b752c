package io.tollgate.core;

import java.util.Objects;

/** At most {@code max} units in any interval of length {@code window} for one {@code scope}. */
public record Limit(Scope scope, Window window, long max) {
    public Limit {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(window, "window");
        if (max < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + max);
        }
    }
}
