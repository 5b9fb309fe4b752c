package io.tollgate.core;

import java.util.Objects;

/** Usage of one API in one billing period (period named by its start, epoch millis). */
public record UsageKey(long periodStart, String apiId) {
    public UsageKey {
        Objects.requireNonNull(apiId, "apiId");
    }
}
