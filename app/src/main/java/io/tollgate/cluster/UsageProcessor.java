package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.time.ZoneId;
import java.util.Map;

/** Records the bytes and compute time a served call used; returns true when it counted (not a replay). */
public final class UsageProcessor extends UserEntryProcessor<Boolean> {

    private long opId;
    private String apiId;
    private long bytes;
    private long computeMs;
    private BillingCycle cycle;
    private int capacity;
    private IdempotencyKey answerKey;

    public UsageProcessor() {
    }

    /** @param answerKey where the first answer to this report is kept (see {@link #keepAnswer}) */
    public UsageProcessor(long opId, String apiId, long bytes, long computeMs, BillingCycle cycle,
                          UserRules.Memory memory, IdempotencyKey answerKey) {
        this.answerKey = answerKey;
        this.opId = opId;
        this.apiId = apiId;
        this.bytes = bytes;
        this.computeMs = computeMs;
        this.cycle = cycle;
        this.horizonMillis = memory.horizonMillis();
        this.capacity = memory.capacity();
    }

    @Override
    /** True when counted, false for a repeated report, null when shed: no entry yet and no room for one. */
    public Boolean process(Map.Entry<String, UserState> entry) {
        FreezeFence.refuseWritesWhileFenced();
        if (!roomFor(entry)) {
            return null;
        }
        long now = System.currentTimeMillis();
        // A usage report never waits for the ledger: an entry it creates starts with an unknown base, which
        // the next acquire (or confirmed flush) fills in.
        UserRules.Step step = UserRules.recordUsage(current(entry, cycle, now, LedgerBase.UNKNOWN), opId, apiId, bytes,
                computeMs, cycle, now, new UserRules.Memory(horizonMillis, capacity));
        if (step.applied()) {
            write(entry, step.state());
            keepAnswer(answerKey, FirstAnswer.ofUsage(Decision.unlimited(now), apiId, bytes, computeMs));
        }
        return step.applied();
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.USAGE_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(opId);
        out.writeString(apiId);
        out.writeLong(bytes);
        out.writeLong(computeMs);
        out.writeByte(cycle.anchorDay());
        out.writeString(cycle.zone().getId());
        out.writeLong(horizonMillis);
        out.writeInt(capacity);
        Wire.writeAnswerKey(out, answerKey);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        opId = in.readLong();
        apiId = in.readString();
        bytes = in.readLong();
        computeMs = in.readLong();
        cycle = new BillingCycle(in.readByte(), ZoneId.of(in.readString()));
        horizonMillis = in.readLong();
        capacity = in.readInt();
        answerKey = Wire.readAnswerKey(in);
    }
}
