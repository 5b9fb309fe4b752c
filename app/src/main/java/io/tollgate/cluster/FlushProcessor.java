package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.LedgerBatch;
import io.tollgate.core.LedgerCursor;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageBook;
import io.tollgate.core.UserState;

import java.io.IOException;
import java.util.Map;

/**
 * The ledger steps on a user's entry: PREPARE hands out the batch to write (the first unconfirmed one
 * again, or pending usage as a new one); CONFIRM passes the ledger's cursor for the batch's epoch
 * after the write and its total for the period starting at {@code periodStart}.
 */
public final class FlushProcessor extends UserEntryProcessor<LedgerBatch> {

    public static final byte PREPARE = 0;
    public static final byte CONFIRM = 1;

    private byte mode;
    private String epoch = "";
    private long seq;
    private Map<io.tollgate.core.UsageKey, Totals> applied = Map.of();
    private long periodStart;
    private Totals total = Totals.ZERO;

    public FlushProcessor() {
    }

    public static FlushProcessor prepare(long horizonMillis) {
        FlushProcessor p = new FlushProcessor();
        p.mode = PREPARE;
        p.horizonMillis = horizonMillis;
        return p;
    }

    /** @param ledger the ledger's cursor for {@code epoch} after the write */
    public static FlushProcessor confirm(String epoch, LedgerCursor ledger, long periodStart, Totals total,
                                         long horizonMillis) {
        FlushProcessor p = prepare(horizonMillis);
        p.mode = CONFIRM;
        p.epoch = epoch;
        p.seq = ledger.lastSeq();
        p.applied = ledger.lastDeltas();
        p.periodStart = periodStart;
        p.total = total;
        return p;
    }

    @Override
    public LedgerBatch process(Map.Entry<String, UserState> entry) {
        UserState state = entry.getValue();
        if (state == null) {
            return null;
        }
        UsageBook book = state.usage();
        LedgerBatch batch = null;
        UsageBook next;
        switch (mode) {
            case PREPARE -> {
                // A new owner first seals what the previous owner's copy had pending.
                UsageBook.Prepared prepared = current(entry, null, 0, LedgerBase.UNKNOWN).usage().prepare(entry.getKey());
                batch = prepared.batch();
                next = prepared.book();
            }
            default -> next = book.confirm(epoch, new LedgerCursor(seq, applied), periodStart, total,
                    System.currentTimeMillis());
        }
        if (!next.equals(book)) {
            write(entry, state.withUsage(next));
        }
        return batch;
    }

    @Override
    public int getClassId() {
        return ProcessorFactory.FLUSH_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(mode);
        out.writeString(epoch);
        out.writeLong(seq);
        Wire.writeUsageMap(out, applied);
        out.writeLong(periodStart);
        Wire.writeTotals(out, total);
        out.writeLong(horizonMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        mode = in.readByte();
        epoch = in.readString();
        seq = in.readLong();
        applied = Wire.readUsageMap(in);
        periodStart = in.readLong();
        total = Wire.readTotals(in);
        horizonMillis = in.readLong();
    }
}
