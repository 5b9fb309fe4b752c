package io.tollgate.core;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The operations applied to one entry in the last {@code horizon} milliseconds, by id.
 *
 * <p>Design note. Hazelcast runs an entry processor at least once: when the key's owner dies after
 * the backup applied the change but before the caller heard back, the caller's invocation is retried
 * on the promoted backup, which already holds the change. Recording the id of every applied
 * operation in the entry itself (and so in its backup) turns the retry into a replay. Only applied
 * operations are kept: a denial changes nothing, so running it twice is harmless. A cancelled id is
 * kept as a tombstone so an operation that arrives after its caller gave up is not applied.
 *
 * <p>An id is forgotten when it is older than the horizon, when the capacity is reached, or, for a
 * sequenced id ({@link OperationId}), as soon as its caller reports it answered: then no retry of it
 * can come any more. So an entry holds the operations in flight plus the request_ids of the last
 * horizon, not every call of the last minute. Memory: 17 bytes an operation in the stored form.
 *
 * @param ids    operation ids, oldest first
 * @param times  when each was applied (owner's clock, epoch millis)
 * @param states {@link #APPLIED}, {@link #CANCELLED} or {@link #CONFIRMED} (the latest record of an id counts)
 * @param unseen what was cancelled here before this copy ever saw it applied, by id: another copy of
 *               the entry (the other side of a split) may have applied it, and a merge must then take
 *               it back ({@link UserState#absorb}). Empty but in failures.
 */
public record RecentOps(long[] ids, long[] times, byte[] states, Map<Long, Cancelled> unseen) {

    /** A call cancelled before it was seen: enough to take it back from usage counted elsewhere. */
    public record Cancelled(String apiId, long cost) {
    }

    public RecentOps {
        unseen = Map.copyOf(unseen);
    }

    public static final byte APPLIED = 1;
    public static final byte CANCELLED = 2;
    /** Applied, and a replay has told a caller "allowed": a later cancel must not take it back. */
    public static final byte CONFIRMED = 3;
    private static final RecentOps EMPTY = new RecentOps(new long[0], new long[0], new byte[0], Map.of());

    public static RecentOps empty() {
        return EMPTY;
    }

    public int size() {
        return ids.length;
    }

    /** The state recorded for {@code id}, or 0 when it is not known. */
    public byte stateOf(long id) {
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == id) {
                return states[i];
            }
        }
        return 0;
    }

    public long timeOf(long id) {
        for (int i = ids.length - 1; i >= 0; i--) {
            if (ids[i] == id) {
                return times[i];
            }
        }
        return -1;
    }

    /**
     * These ops with {@code id} recorded at {@code now}, forgetting those older than the horizon,
     * those its caller has answered ({@link OperationId#answeredBefore}, {@code doneBelow}; 0 for none),
     * an earlier record of {@code id} itself, and the oldest beyond capacity.
     */
    public RecentOps with(long id, byte state, long now, long horizonMillis, int capacity, long doneBelow) {
        int from = firstWithin(now - horizonMillis);
        int kept = 0;
        for (int i = from; i < ids.length; i++) {
            if (keeps(i, id, doneBelow)) {
                kept++;
            }
        }
        int skip = Math.max(0, kept + 1 - capacity);
        long[] nIds = new long[kept - skip + 1];
        long[] nTimes = new long[nIds.length];
        byte[] nStates = new byte[nIds.length];
        int n = 0;
        for (int i = from; i < ids.length; i++) {
            if (!keeps(i, id, doneBelow)) {
                continue;
            }
            if (skip > 0) {
                skip--;
                continue;
            }
            nIds[n] = ids[i];
            nTimes[n] = times[i];
            nStates[n] = states[i];
            n++;
        }
        nIds[n] = id;
        nTimes[n] = now;
        nStates[n] = state;
        return new RecentOps(nIds, nTimes, nStates, stillKnown(unseen, nIds));
    }

    /** {@link #with} a tombstone for {@code id}, which this copy never saw applied. */
    public RecentOps withUnseenCancel(long id, long now, long horizonMillis, int capacity, long doneBelow,
                                      Cancelled what) {
        RecentOps next = with(id, CANCELLED, now, horizonMillis, capacity, doneBelow);
        Map<Long, Cancelled> u = new HashMap<>(next.unseen);
        u.put(id, what);
        return new RecentOps(next.ids, next.times, next.states, u);
    }

    /** The cancels recorded here before this copy saw them that {@code other} has applied (and not confirmed). */
    public Map<Long, Cancelled> appliedIn(RecentOps other) {
        Map<Long, Cancelled> out = new HashMap<>();
        unseen.forEach((id, c) -> {
            if (other.stateOf(id) == APPLIED) {
                out.put(id, c);
            }
        });
        return out;
    }

    private static Map<Long, Cancelled> stillKnown(Map<Long, Cancelled> unseen, long[] ids) {
        if (unseen.isEmpty()) {
            return unseen;
        }
        Map<Long, Cancelled> out = new HashMap<>();
        for (long id : ids) {
            Cancelled c = unseen.get(id);
            if (c != null) {
                out.put(id, c);
            }
        }
        return out;
    }

    /** These ops and those of {@code other} not recorded here, in time order. */
    public RecentOps union(RecentOps other) {
        int n = ids.length + other.ids.length;
        long[] nIds = new long[n];
        long[] nTimes = new long[n];
        byte[] nStates = new byte[n];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < ids.length || j < other.ids.length) {
            if (j >= other.ids.length || (i < ids.length && times[i] <= other.times[j])) {
                nIds[k] = ids[i];
                nTimes[k] = times[i];
                nStates[k++] = states[i++];
            } else {
                if (stateOf(other.ids[j]) == 0) {
                    nIds[k] = other.ids[j];
                    nTimes[k] = other.times[j];
                    nStates[k++] = other.states[j];
                }
                j++;
            }
        }
        Map<Long, Cancelled> u = new HashMap<>(other.unseen);
        u.putAll(unseen);
        long[] kept = Arrays.copyOf(nIds, k);
        return new RecentOps(kept, Arrays.copyOf(nTimes, k), Arrays.copyOf(nStates, k), stillKnown(u, kept));
    }

    private boolean keeps(int i, long id, long doneBelow) {
        return ids[i] != id && !OperationId.answeredBefore(ids[i], doneBelow);
    }

    private int firstWithin(long oldestKept) {
        int i = 0;
        while (i < times.length && times[i] < oldestKept) {
            i++;
        }
        return i;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentOps r && Arrays.equals(ids, r.ids) && Arrays.equals(times, r.times)
                && Arrays.equals(states, r.states) && unseen.equals(r.unseen);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(times);
    }

    @Override
    public String toString() {
        return "RecentOps[" + ids.length + "]";
    }
}
