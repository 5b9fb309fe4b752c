package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.Outcome;
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
 *
 * <p>An acquire decides quota, so an entry without a known ledger base (a user new to the cluster, or
 * whose entry expired) cannot answer it alone: the processor then answers {@code null}, changing
 * nothing, and the caller reads the ledger and sends the same acquire again {@linkplain #withLedgerBase
 * with the base}. The database is read on the caller's thread, never on the partition thread. Cancels
 * and forced acquires (owed to callers the failure policy answered) never ask: they must apply, and an
 * entry they create takes its base from the next acquire or confirmed flush.
 */
public final class UserProcessor extends UserEntryProcessor<Decision> {

    public static final byte ACQUIRE = 0;
    public static final byte CANCEL = 1;

    private UserRules.Acquire request;
    private byte mode;
    private int capacity;
    private LedgerBase ledgerBase;
    /** The caller's request_id as a key of the first-answer records, or null for a call without one. */
    private IdempotencyKey answerKey;

    public UserProcessor() {
    }

    public UserProcessor(UserRules.Acquire request, byte mode, UserRules.Memory memory) {
        this(request, mode, memory, null);
    }

    /** @param answerKey where the first answer to this call is kept (null: the call has no request_id) */
    public UserProcessor(UserRules.Acquire request, byte mode, UserRules.Memory memory, IdempotencyKey answerKey) {
        this.request = request;
        this.mode = mode;
        this.horizonMillis = memory.horizonMillis();
        this.capacity = memory.capacity();
        this.answerKey = answerKey;
    }

    /** This acquire again, carrying the ledger's base the owner asked for. */
    public UserProcessor withLedgerBase(LedgerBase base) {
        UserProcessor p = new UserProcessor(request, mode, new UserRules.Memory(horizonMillis, capacity), answerKey);
        p.ledgerBase = base;
        return p;
    }

    /** The answer of an owner that needs the ledger's base before it can decide (see the class note). */
    public static boolean asksForLedgerBase(Decision answer) {
        return answer == null;
    }

    @Override
    public Decision process(Map.Entry<String, UserState> entry) {
        long now = System.currentTimeMillis();
        boolean decides = mode == ACQUIRE && !request.force();
        if (decides && FreezeFence.fenced()) {
            // This member was frozen: another may own this entry now. The caller answers by its failure policy.
            return Decision.failure(io.tollgate.core.Outcome.FAILURE_CLOSED, now);
        }
        if (!decides) {
            FreezeFence.refuseWritesWhileFenced();
        }
        if (decides && !roomFor(entry)) {
            return Decision.shed(now);
        }
        if (decides && ledgerBase == null && UserEntries.needsLedgerBase(entry, request.cycle(), now)) {
            return null;
        }
        UserState state = current(entry, request.cycle(), now, ledgerBase == null ? LedgerBase.UNKNOWN : ledgerBase);
        UserRules.Memory memory = new UserRules.Memory(horizonMillis, capacity);
        UserRules.Step step = mode == CANCEL
                ? UserRules.cancel(state, request, now, memory)
                : UserRules.acquire(state, request, now, memory);
        UserState before = entry.getValue();
        boolean baseFilledIn = before != null && !before.usage().baseKnown() && state.usage().baseKnown();
        if (step.applied() || before == null || baseFilledIn) {
            write(entry, step.state());
        }
        if (decides && isAnswer(step.decision())) {
            keepAnswer(answerKey, FirstAnswer.ofAcquire(step.decision(), request.apiId(), request.cost()));
        } else if (mode == ACQUIRE && request.force() && step.applied()) {
            // Owed for a call the failure policy admitted: that answer was failure_open, and it is what a retry gets.
            keepAnswer(answerKey, FirstAnswer.ofAcquire(Decision.failure(Outcome.FAILURE_OPEN, now), request.apiId(),
                    request.cost()));
        } else if (mode == CANCEL && step.applied()) {
            dropAnswer(answerKey); // taken back (or never to be applied): a retry must be decided anew
        }
        return step.decision();
    }

    /** A decision the caller will give as its answer and remember (not a failure-policy one). */
    private static boolean isAnswer(Decision d) {
        Outcome o = d.outcome();
        return o == Outcome.ALLOWED || o == Outcome.DENIED_RATE || o == Outcome.DENIED_QUOTA;
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
        Wire.writeLedgerBase(out, ledgerBase);
        Wire.writeAnswerKey(out, answerKey);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mode = in.readByte();
        horizonMillis = in.readLong();
        capacity = in.readInt();
        request = Wire.readAcquire(in);
        ledgerBase = Wire.readLedgerBase(in);
        answerKey = Wire.readAnswerKey(in);
    }
}
