package io.tollgate.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.Counters;

import java.io.IOException;
import java.util.Map;

/** Writes on the backup replica exactly the API counters the primary wrote. */
public final class CountersBackup<R> implements EntryProcessor<String, Counters, R>, IdentifiedDataSerializable {
    private Counters value;

    public CountersBackup() {
    }

    CountersBackup(Counters value) {
        this.value = value;
    }

    @Override
    public R process(Map.Entry<String, Counters> entry) {
        ApiEntries.store(entry, value);
        return null;
    }

    @Override
    public EntryProcessor<String, Counters, R> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.COUNTERS_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Wire.writeCounters(out, value);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        value = Wire.readCounters(in);
    }
}
