package io.tollgate.core;

import java.util.Objects;

/**
 * Names one window counter inside a cluster entry. A user's entry holds its USER counters
 * (api id "") and its USER_API counters (one set per API); an API's entry holds its API counters.
 */
public record CounterKey(Scope scope, String apiId, Window window) {
    public CounterKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(window, "window");
        apiId = scope == Scope.USER_API ? Objects.requireNonNull(apiId, "apiId") : "";
    }

    public static CounterKey of(Limit limit, String apiId) {
        return new CounterKey(limit.scope(), apiId, limit.window());
    }
}
