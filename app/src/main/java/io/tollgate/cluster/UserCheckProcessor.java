package io.tollgate.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/**
 * The acquire question without consuming: read-only, so it needs no backup and takes no write lock. For a user
 * the member has no room for, it answers what the acquire would: shed ({@link MemoryValve}).
 */
public final class UserCheckProcessor implements EntryProcessor<String, UserState, Decision>, ReadOnly,
        IdentifiedDataSerializable, HazelcastInstanceAware {
    private UserRules.Acquire request;
    private LedgerBase ledgerBase;
    private transient MemoryValve valve;

    public UserCheckProcessor() {
    }

    public UserCheckProcessor(UserRules.Acquire request) {
        this.request = request;
    }

    /** This check again, with the ledger's base the owner asked for (as {@link UserProcessor} asks). */
    public UserCheckProcessor withLedgerBase(LedgerBase base) {
        UserCheckProcessor p = new UserCheckProcessor(request);
        p.ledgerBase = base;
        return p;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.valve = MemoryValve.of(hz);
    }

    @Override
    public Decision process(Map.Entry<String, UserState> entry) {
        long now = System.currentTimeMillis();
        if (valve != null && !valve.hasRoomFor(entry)) {
            return Decision.shed(now);
        }
        if (ledgerBase == null && UserEntries.needsLedgerBase(entry, request.cycle(), now)) {
            return null;
        }
        LedgerBase base = ledgerBase == null ? LedgerBase.UNKNOWN : ledgerBase;
        return UserRules.check(UserEntries.stateOf(entry, request.cycle(), now, base), request, now).decision();
    }

    @Override
    public EntryProcessor<String, UserState, Decision> getBackupProcessor() {
        return null;
    }

    @Override
    public int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.USER_CHECK;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        Wire.writeAcquire(out, request);
        Wire.writeLedgerBase(out, ledgerBase);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        request = Wire.readAcquire(in);
        ledgerBase = Wire.readLedgerBase(in);
    }
}
