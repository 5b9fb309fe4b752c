package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.tollgate.core.UserState;

import java.util.UUID;

/**
 * Split-brain merge of a user's entry. Hazelcast's PutIfAbsent would keep the copy merged into and
 * drop the other: its unflushed usage, which would be lost to billing, and, when the copy merged into
 * is a stale one (the survivors of a split can lose each other too, and equal-sized clusters merge
 * either way), the counts that keep the user inside its limits. This policy keeps the fuller of the
 * two copies' counters in every bucket and adds the other's unconfirmed batches and pending usage
 * ({@link UserState#absorb}); the ledger applies each batch once.
 */
public final class UserStateMergePolicy implements SplitBrainMergePolicy<UserState, MergingValue<UserState>, Object> {

    @Override
    public Object merge(MergingValue<UserState> merging, MergingValue<UserState> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        UserState kept = existing.getDeserializedValue();
        UserState other = merging.getDeserializedValue();
        if (kept == null || other == null) {
            return kept != null ? existing.getRawValue() : merging.getRawValue();
        }
        return kept.absorb(other, UUID.randomUUID().toString(), System.currentTimeMillis());
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
