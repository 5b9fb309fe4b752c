package io.tollgate.decide;

import io.tollgate.core.Decision;
import io.tollgate.core.Tier;

/** A decision and what the HTTP layer and metrics need around it. */
public record DecisionResult(Decision decision, Tier tier, boolean replayed) {
}
