package io.tollgate.cluster;

import io.tollgate.core.Decision;

/** A decision on an API's global counters and the owner's time at which its units were added. */
public record ApiDecision(Decision decision, long appliedAt) {
}
