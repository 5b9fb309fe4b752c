package io.tollgate.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.Counters;
import io.tollgate.core.Decision;
import io.tollgate.core.Limit;
import io.tollgate.core.RateLimiter;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Acquire or release on an API's global counters. Not deduplicated: a Hazelcast retry can count a
 * call twice here, which only makes the global limit stricter for a moment; the ledger is never
 * touched by this entry. Release takes back units added at a given time (compensation when the
 * user's own entry then denies the call).
 */
public final class ApiProcessor implements EntryProcessor<String, Counters, ApiDecision>, IdentifiedDataSerializable {
    public static final byte ACQUIRE = 0;
    public static final byte RELEASE = 1;

    private byte mode;
    private List<Limit> limits;
    private long cost;
    private long addedAt;
    private transient Counters written;
    private transient boolean changed;

    public ApiProcessor() {
    }

    public static ApiProcessor acquire(List<Limit> limits, long cost) {
        ApiProcessor p = new ApiProcessor();
        p.mode = ACQUIRE;
        p.limits = limits;
        p.cost = cost;
        return p;
    }

    public static ApiProcessor release(List<Limit> limits, long cost, long addedAt) {
        ApiProcessor p = acquire(limits, cost);
        p.mode = RELEASE;
        p.addedAt = addedAt;
        return p;
    }

    @Override
    public ApiDecision process(Map.Entry<String, Counters> entry) {
        long now = System.currentTimeMillis();
        Counters counters = entry.getValue() == null ? Counters.empty() : entry.getValue();
        Decision decision;
        if (mode == RELEASE) {
            FreezeFence.refuseWritesWhileFenced();
            written = RateLimiter.release(counters, limits, "", cost, addedAt, now);
            decision = Decision.unlimited(now);
        } else if (FreezeFence.fenced()) {
            // Frozen a moment ago: another member may own this entry now (see FreezeFence).
            return new ApiDecision(Decision.failure(io.tollgate.core.Outcome.FAILURE_CLOSED, now), now);
        } else {
            RateLimiter.Step step = RateLimiter.acquire(counters, limits, "", cost, now);
            written = step.counters();
            decision = step.decision();
        }
        changed = written != counters;
        if (changed) {
            ApiEntries.store(entry, written);
        }
        // The owner's clock, so the caller can release exactly these units if it must.
        return new ApiDecision(decision, now);
    }

    @Override
    public EntryProcessor<String, Counters, ApiDecision> getBackupProcessor() {
        return changed ? new CountersBackup<>(written) : null;
    }

    @Override
    public int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.API_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(mode);
        Wire.writeLimits(out, limits);
        out.writeLong(cost);
        out.writeLong(addedAt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mode = in.readByte();
        limits = Wire.readLimits(in);
        cost = in.readLong();
        addedAt = in.readLong();
    }
}
