package io.tollgate.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Global limits of one API: all users of the API together. */
public record ApiPolicy(String apiId, Map<Window, Long> globalLimits) {
    public ApiPolicy {
        Objects.requireNonNull(apiId, "apiId");
        globalLimits = Map.copyOf(globalLimits);
    }

    public static ApiPolicy none(String apiId) {
        return new ApiPolicy(apiId, Map.of());
    }

    public List<Limit> limits() {
        List<Limit> limits = new ArrayList<>(globalLimits.size());
        globalLimits.forEach((w, max) -> limits.add(new Limit(Scope.API, w, max)));
        return limits;
    }
}
