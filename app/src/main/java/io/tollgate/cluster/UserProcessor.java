package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.Decision;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/**
 * Acquire (or cancel) on a user's entry, at the key's owner, on its partition thread.
 *
 * <p>Design note. Runs the pure {@link UserRules} step with the owner's clock and stores the result;
 * the backup gets the resulting state ({@link StateBackup}), not a re-run, so primary and backup
 * cannot diverge. The operation id inside the request makes Hazelcast's at-least-once retry after an
 * owner dies a replay: see {@link io.tollgate.core.RecentOps}.
 */
public final class UserProcessor extends UserEntryProcessor<Decision> {

    public static final byte ACQUIRE = 0;
    public static final byte CANCEL = 1;

    private UserRules.Acquire request;
    private byte mode;
    private int capacity;

    public UserProcessor() {
    }

    public UserProcessor(UserRules.Acquire request, byte mode, UserRules.Memory memory) {
        this.request = request;
        this.mode = mode;
        this.horizonMillis = memory.horizonMillis();
        this.capacity = memory.capacity();
    }

    @Override
    public Decision process(Map.Entry<String, UserState> entry) {
        long now = System.currentTimeMillis();
        if (mode == ACQUIRE && !request.force() && FreezeFence.fenced()) {
            // This member was frozen: another may own this entry now. The caller answers by its failure policy.
            return Decision.failure(io.tollgate.core.Outcome.FAILURE_CLOSED, now);
        }
        UserState state = current(entry, request.cycle(), now);
        UserRules.Memory memory = new UserRules.Memory(horizonMillis, capacity);
        UserRules.Step step = mode == CANCEL
                ? UserRules.cancel(state, request, now, memory)
                : UserRules.acquire(state, request, now, memory);
        if (step.applied() || entry.getValue() == null) {
            write(entry, step.state());
        }
        return step.decision();
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.USER_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(mode);
        out.writeLong(horizonMillis);
        out.writeInt(capacity);
        Wire.writeAcquire(out, request);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mode = in.readByte();
        horizonMillis = in.readLong();
        capacity = in.readInt();
        request = Wire.readAcquire(in);
    }
}
