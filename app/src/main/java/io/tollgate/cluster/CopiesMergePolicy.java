package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * A split-brain merge that combines the two copies of an entry instead of keeping one: Hazelcast's
 * PutIfAbsent keeps the copy merged into, which can be a stale one (the survivors of a split can lose
 * each other too, and equal-sized clusters merge either way). A copy present on one side only is kept.
 */
abstract class CopiesMergePolicy<V> implements SplitBrainMergePolicy<V, MergingValue<V>, Object> {

    /** The entry after the merge, from the copy merged into and the other side's. */
    protected abstract V combine(V kept, V other);

    @Override
    public final Object merge(MergingValue<V> merging, MergingValue<V> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        V kept = existing.getDeserializedValue();
        V other = merging.getDeserializedValue();
        if (kept == null || other == null) {
            return kept != null ? existing.getRawValue() : merging.getRawValue();
        }
        return combine(kept, other);
    }

    @Override
    public final void writeData(ObjectDataOutput out) {
    }

    @Override
    public final void readData(ObjectDataInput in) {
    }
}
