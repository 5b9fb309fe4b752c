package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.tollgate.core.Counters;

/**
 * Split-brain merge of an API's global counters: the fuller of the two copies in every bucket
 * ({@link Counters#atLeast}). PutIfAbsent kept whichever copy Hazelcast merged into, which after a
 * split whose survivors also lost each other can be the cut-off member's stale one: the window then
 * admitted its limit again.
 */
public final class CountersMergePolicy implements SplitBrainMergePolicy<Counters, MergingValue<Counters>, Object> {

    @Override
    public Object merge(MergingValue<Counters> merging, MergingValue<Counters> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        Counters kept = existing.getDeserializedValue();
        Counters other = merging.getDeserializedValue();
        if (kept == null || other == null) {
            return kept != null ? existing.getRawValue() : merging.getRawValue();
        }
        return kept.atLeast(other, System.currentTimeMillis());
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
