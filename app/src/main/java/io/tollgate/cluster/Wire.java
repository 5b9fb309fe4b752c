package io.tollgate.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.tollgate.core.BillingCycle;
import io.tollgate.core.CounterKey;
import io.tollgate.core.Counters;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.LedgerBatch;
import io.tollgate.core.Limit;
import io.tollgate.core.Meter;
import io.tollgate.core.Outcome;
import io.tollgate.core.Quota;
import io.tollgate.core.RecentOps;
import io.tollgate.core.Scope;
import io.tollgate.core.SlidingWindow;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageBook;
import io.tollgate.core.UsageKey;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import io.tollgate.core.Window;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored and wire form of the core values. Explicit and versioned: every top-level value starts
 * with a format version byte, and enums are written by a fixed code, never by Java serialization.
 * Bucket counts are written as variable-length integers: most are zero or small.
 */
final class Wire {
    static final byte VERSION = 1;

    private Wire() {
    }

    static void writeVarLong(ObjectDataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(ObjectDataInput in) throws IOException {
        long result = 0;
        int shift = 0;
        while (true) {
            byte b = in.readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
            if (shift > 63) {
                throw new IOException("malformed variable-length integer");
            }
        }
    }

    /**
     * The most entries any map or list read here may claim. A user's entry holds far fewer (operation ids are capped
     * at tollgate.idempotency.op-capacity); a larger count is a corrupt or hostile payload and fails the read before
     * anything is allocated for it.
     */
    static final int MAX_LENGTH = 1 << 20;

    /** A count of entries to follow, 0..{@link #MAX_LENGTH}. */
    static int readLength(ObjectDataInput in) throws IOException {
        long n = readVarLong(in);
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("length " + n + " out of range 0.." + MAX_LENGTH);
        }
        return (int) n;
    }

    static void checkVersion(ObjectDataInput in, String what) throws IOException {
        byte v = in.readByte();
        if (v != VERSION) {
            throw new IOException("unsupported " + what + " format version " + v);
        }
    }

    static void writeCounters(ObjectDataOutput out, Counters counters) throws IOException {
        Map<CounterKey, SlidingWindow> map = counters.asMap();
        writeVarLong(out, map.size());
        for (Map.Entry<CounterKey, SlidingWindow> e : map.entrySet()) {
            out.writeByte(e.getKey().scope().ordinal());
            out.writeString(e.getKey().apiId());
            out.writeByte(e.getKey().window().ordinal());
            SlidingWindow w = e.getValue();
            out.writeLong(w.head());
            for (long c : w.counts()) {
                writeVarLong(out, c);
            }
        }
    }

    static Counters readCounters(ObjectDataInput in) throws IOException {
        int n = readLength(in);
        if (n == 0) {
            return Counters.empty();
        }
        Map<CounterKey, SlidingWindow> map = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Scope scope = Scope.values()[in.readByte()];
            String api = in.readString();
            Window window = Window.values()[in.readByte()];
            long head = in.readLong();
            long[] counts = new long[SlidingWindow.SUB_BUCKETS + 1];
            for (int j = 0; j < counts.length; j++) {
                counts[j] = readVarLong(in);
            }
            map.put(new CounterKey(scope, api, window), SlidingWindow.of(window, head, counts));
        }
        return Counters.of(map);
    }

    /** A key of the first-answer records. */
    static void writeIdempotencyKey(ObjectDataOutput out, IdempotencyKey k) throws IOException {
        out.writeString(k.kind());
        out.writeString(k.userId());
        out.writeString(k.requestId());
    }

    static IdempotencyKey readIdempotencyKey(ObjectDataInput in) throws IOException {
        return new IdempotencyKey(in.readString(), in.readString(), in.readString());
    }

    /** A key of the first-answer records, or null. */
    static void writeAnswerKey(ObjectDataOutput out, IdempotencyKey k) throws IOException {
        out.writeBoolean(k != null);
        if (k != null) {
            writeIdempotencyKey(out, k);
        }
    }

    static IdempotencyKey readAnswerKey(ObjectDataInput in) throws IOException {
        return in.readBoolean() ? readIdempotencyKey(in) : null;
    }

    /** A {@link LedgerBase} or null (not read). */
    static void writeLedgerBase(ObjectDataOutput out, LedgerBase b) throws IOException {
        out.writeByte(b == null ? 0 : b.known() ? 2 : 1);
        if (b != null && b.known()) {
            out.writeLong(b.periodStart());
            writeTotals(out, b.total());
        }
    }

    static LedgerBase readLedgerBase(ObjectDataInput in) throws IOException {
        return switch (in.readByte()) {
            case 0 -> null;
            case 1 -> LedgerBase.UNKNOWN;
            default -> new LedgerBase(in.readLong(), readTotals(in));
        };
    }

    static void writeTotals(ObjectDataOutput out, Totals t) throws IOException {
        out.writeLong(t.requests());
        out.writeLong(t.bytes());
        out.writeLong(t.computeMs());
    }

    static Totals readTotals(ObjectDataInput in) throws IOException {
        return new Totals(in.readLong(), in.readLong(), in.readLong());
    }

    static void writeUsageMap(ObjectDataOutput out, Map<UsageKey, Totals> map) throws IOException {
        writeVarLong(out, map.size());
        for (Map.Entry<UsageKey, Totals> e : map.entrySet()) {
            out.writeLong(e.getKey().periodStart());
            out.writeString(e.getKey().apiId());
            writeTotals(out, e.getValue());
        }
    }

    static Map<UsageKey, Totals> readUsageMap(ObjectDataInput in) throws IOException {
        int n = readLength(in);
        Map<UsageKey, Totals> map = new HashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(new UsageKey(in.readLong(), in.readString()), readTotals(in));
        }
        return map;
    }

    static void writeBatch(ObjectDataOutput out, LedgerBatch b) throws IOException {
        out.writeBoolean(b != null);
        if (b != null) {
            out.writeString(b.userId());
            out.writeString(b.epoch());
            out.writeLong(b.seq());
            out.writeLong(b.periodStart());
            out.writeLong(b.periodEnd());
            writeUsageMap(out, b.deltas());
        }
    }

    static LedgerBatch readBatch(ObjectDataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new LedgerBatch(in.readString(), in.readString(), in.readLong(), in.readLong(), in.readLong(),
                readUsageMap(in));
    }

    static void writeUsage(ObjectDataOutput out, UsageBook u) throws IOException {
        out.writeString(u.epoch());
        out.writeString(u.writer());
        out.writeLong(u.periodStart());
        out.writeLong(u.periodEnd());
        writeTotals(out, u.base());
        out.writeBoolean(u.baseKnown());
        writeUsageMap(out, u.pending());
        writeVarLong(out, u.unconfirmed().size());
        for (LedgerBatch b : u.unconfirmed()) {
            writeBatch(out, b);
        }
        out.writeLong(u.nextSeq());
        out.writeLong(u.oldestUnflushedAt());
    }

    static UsageBook readUsage(ObjectDataInput in) throws IOException {
        String epoch = in.readString();
        String writer = in.readString();
        long periodStart = in.readLong();
        long periodEnd = in.readLong();
        Totals base = readTotals(in);
        boolean baseKnown = in.readBoolean();
        Map<UsageKey, Totals> pending = readUsageMap(in);
        int n = readLength(in);
        List<LedgerBatch> unconfirmed = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            unconfirmed.add(readBatch(in));
        }
        return new UsageBook(epoch, writer, periodStart, periodEnd, base, baseKnown, pending, unconfirmed,
                in.readLong(), in.readLong());
    }

    static void writeRecent(ObjectDataOutput out, RecentOps r) throws IOException {
        writeVarLong(out, r.size());
        long[] ids = r.ids();
        long[] times = r.times();
        byte[] states = r.states();
        for (int i = 0; i < ids.length; i++) {
            out.writeLong(ids[i]);
            writeVarLong(out, i == 0 ? times[0] : times[i] - times[i - 1]);
            out.writeByte(states[i]);
        }
        writeVarLong(out, r.unseen().size());
        for (Map.Entry<Long, RecentOps.Cancelled> e : r.unseen().entrySet()) {
            out.writeLong(e.getKey());
            out.writeString(e.getValue().apiId());
            out.writeLong(e.getValue().cost());
        }
    }

    static RecentOps readRecent(ObjectDataInput in) throws IOException {
        int n = readLength(in);
        if (n == 0) {
            return RecentOps.empty();
        }
        long[] ids = new long[n];
        long[] times = new long[n];
        byte[] states = new byte[n];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readLong();
            long t = readVarLong(in);
            times[i] = i == 0 ? t : times[i - 1] + t;
            states[i] = in.readByte();
        }
        int u = readLength(in);
        Map<Long, RecentOps.Cancelled> unseen = new HashMap<>();
        for (int i = 0; i < u; i++) {
            unseen.put(in.readLong(), new RecentOps.Cancelled(in.readString(), in.readLong()));
        }
        return new RecentOps(ids, times, states, unseen);
    }

    static void writeUserState(ObjectDataOutput out, UserState s) throws IOException {
        out.writeByte(VERSION);
        writeCounters(out, s.counters());
        writeUsage(out, s.usage());
        writeRecent(out, s.recent());
    }

    static UserState readUserState(ObjectDataInput in) throws IOException {
        checkVersion(in, "user state");
        return new UserState(readCounters(in), readUsage(in), readRecent(in));
    }

    static void writeDecision(ObjectDataOutput out, Decision d) throws IOException {
        out.writeByte(d.outcome().ordinal());
        out.writeLong(d.limit());
        out.writeLong(d.remaining());
        out.writeLong(d.resetAtMillis());
        out.writeLong(d.retryAfterMillis());
        out.writeByte(d.scope() == null ? -1 : d.scope().ordinal());
        out.writeByte(d.window() == null ? -1 : d.window().ordinal());
        out.writeByte(d.meter() == null ? -1 : d.meter().ordinal());
    }

    static Decision readDecision(ObjectDataInput in) throws IOException {
        Outcome outcome = Outcome.values()[in.readByte()];
        long limit = in.readLong();
        long remaining = in.readLong();
        long reset = in.readLong();
        long retry = in.readLong();
        byte s = in.readByte();
        byte w = in.readByte();
        byte m = in.readByte();
        return new Decision(outcome, limit, remaining, reset, retry, s < 0 ? null : Scope.values()[s],
                w < 0 ? null : Window.values()[w], m < 0 ? null : Meter.values()[m]);
    }

    static void writeLimits(ObjectDataOutput out, List<Limit> limits) throws IOException {
        out.writeByte(limits.size());
        for (Limit l : limits) {
            out.writeByte(l.scope().ordinal());
            out.writeByte(l.window().ordinal());
            out.writeLong(l.max());
        }
    }

    static List<Limit> readLimits(ObjectDataInput in) throws IOException {
        int n = in.readByte();
        if (n < 0) {
            throw new IOException("length " + n + " out of range 0..127");
        }
        List<Limit> limits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            limits.add(new Limit(Scope.values()[in.readByte()], Window.values()[in.readByte()], in.readLong()));
        }
        return limits;
    }

    static void writeAcquire(ObjectDataOutput out, UserRules.Acquire a) throws IOException {
        out.writeLong(a.opId());
        out.writeLong(a.doneBelow());
        out.writeString(a.apiId());
        out.writeLong(a.cost());
        writeLimits(out, a.limits());
        writeTotals(out, new Totals(a.quota().requests(), a.quota().bandwidthBytes(), a.quota().computeMs()));
        out.writeByte(a.cycle().anchorDay());
        out.writeString(a.cycle().zone().getId());
        out.writeBoolean(a.force());
        out.writeLong(a.notAfter());
    }

    static UserRules.Acquire readAcquire(ObjectDataInput in) throws IOException {
        long opId = in.readLong();
        long doneBelow = in.readLong();
        String api = in.readString();
        long cost = in.readLong();
        List<Limit> limits = readLimits(in);
        Totals q = readTotals(in);
        int anchor = in.readByte();
        ZoneId zone = ZoneId.of(in.readString());
        boolean force = in.readBoolean();
        long notAfter = in.readLong();
        return new UserRules.Acquire(opId, doneBelow, api, cost, limits, new Quota(q.requests(), q.bytes(), q.computeMs()),
                new BillingCycle(anchor, zone), force, notAfter);
    }
}
