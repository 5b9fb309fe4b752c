package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.Counters;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/** Clears a user's rate counters (admin reset). Quota usage is billing data and is left alone. */
public final class ResetCountersProcessor extends UserEntryProcessor<Boolean> {

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
        write(entry, state.withCounters(Counters.empty()));
        return true;
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
