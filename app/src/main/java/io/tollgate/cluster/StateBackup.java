package io.tollgate.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/** Writes on the backup replica exactly the user state the primary wrote (or removes it). */
public final class StateBackup<R> implements com.hazelcast.core.HazelcastInstanceAware, EntryProcessor<String, UserState, R>, IdentifiedDataSerializable {
    private transient String member = "";

    @Override
    public void setHazelcastInstance(com.hazelcast.core.HazelcastInstance hz) {
        this.member = hz.getName();
    }

    private UserState value;
    private long horizonMillis;

    public StateBackup() {
    }

    StateBackup(UserState value, long horizonMillis) {
        this.value = value;
        this.horizonMillis = horizonMillis;
    }

    @Override
    public R process(Map.Entry<String, UserState> entry) {
        UserEntries.store(member, entry, value, horizonMillis);
        return null;
    }

    @Override
    public EntryProcessor<String, UserState, R> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.STATE_BACKUP;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(horizonMillis);
        Wire.writeUserState(out, value);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        horizonMillis = in.readLong();
        value = Wire.readUserState(in);
    }
}
