package io.tollgate.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.Counters;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/** Clears a user's rate counters (admin reset). Quota usage is billing data and is left alone. */
public final class ResetCountersProcessor
        implements com.hazelcast.core.HazelcastInstanceAware, EntryProcessor<String, UserState, Boolean>, IdentifiedDataSerializable {
    private transient String member = "";

    @Override
    public void setHazelcastInstance(com.hazelcast.core.HazelcastInstance hz) {
        this.member = hz.getName();
    }

    private long horizonMillis;
    private transient UserState written;

    public ResetCountersProcessor() {
    }

    public ResetCountersProcessor(long horizonMillis) {
        this.horizonMillis = horizonMillis;
    }

    @Override
    public Boolean process(Map.Entry<String, UserState> entry) {
        UserState state = entry.getValue();
        if (state == null) {
            return false;
        }
        written = state.withCounters(Counters.empty());
        UserEntries.store(member, entry, written, horizonMillis);
        return true;
    }

    @Override
    public EntryProcessor<String, UserState, Boolean> getBackupProcessor() {
        return written == null ? null : new StateBackup<>(written, horizonMillis);
    }

    @Override
    public int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.RESET_COUNTERS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(horizonMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        horizonMillis = in.readLong();
    }
}
