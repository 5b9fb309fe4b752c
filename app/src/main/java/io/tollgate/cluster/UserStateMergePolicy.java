package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.tollgate.core.UserState;

import java.util.UUID;

/**
 * Split-brain merge of a user's entry. Hazelcast's PutIfAbsent would keep the larger side's entry
 * and drop the other's: its rate counts (the larger side's are kept here too; the minority, without
 * a quorum, admitted nothing after it noticed the split) and its unflushed usage, which would be lost
 * to billing. This policy keeps the larger side's entry and adds the other's unconfirmed batches and
 * pending usage ({@link UserState#absorb}); the ledger applies each batch once.
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
