package io.tollgate.cluster;

import io.tollgate.core.Counters;

/** Split-brain merge of an API's global counters: the fuller of the two copies in every bucket ({@link Counters#atLeast}). */
public final class CountersMergePolicy extends CopiesMergePolicy<Counters> {

    @Override
    protected Counters combine(Counters kept, Counters other) {
        return kept.atLeast(other, System.currentTimeMillis());
    }
}
