package io.tollgate.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.UserState;

import java.util.Map;

/**
 * What every processor that writes a user's entry shares: the entry is stored through
 * {@link UserEntries} (TTL, removal when empty, this member's dirty-key set), and the backup replica
 * receives exactly the state the primary wrote ({@link StateBackup}), never a re-run of the logic.
 */
abstract class UserEntryProcessor<R>
        implements EntryProcessor<String, UserState, R>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** How long the entry must be kept for its operation ids (serialized by the subclass). */
    protected long horizonMillis;
    private transient String member = "";
    private transient MemoryValve valve;
    private transient IMap<IdempotencyKey, FirstAnswer> answers;
    private transient UserState written;

    @Override
    public final void setHazelcastInstance(HazelcastInstance hz) {
        this.member = hz.getName();
        this.valve = MemoryValve.of(hz);
        this.answers = hz.getMap(ClusterMember.IDEMPOTENCY);
    }

    /**
     * Keeps {@code answer} as the first answer to {@code key}, written by the owner as it applies the operation. The
     * caller writes it too once it has the answer, but a caller that dies in between would leave none, and once the
     * entry has forgotten the operation id ({@code tollgate.idempotency.op-memory}) a retry would count again; the
     * caller's write in turn covers an owner that dies before this one runs. The record lives in this same partition
     * ({@link IdempotencyKey}), so the write is queued behind this processor on this partition's thread: it needs no
     * other member, and the caller's later write (the exact answer) lands after it.
     */
    protected final void keepAnswer(IdempotencyKey key, FirstAnswer answer) {
        // A member short of heap keeps no new records (MemoryValve): the entry's operation ids still make a retry
        // within the op-memory a replay.
        if (key != null && answers != null && (valve == null || valve.admitsNewEntries())) {
            answers.setAsync(key, answer);
        }
    }

    /** Removes the first answer kept for {@code key}: its operation was taken back. */
    protected final void dropAnswer(IdempotencyKey key) {
        if (key != null && answers != null) {
            answers.deleteAsync(key);
        }
    }

    /** False when the entry does not exist yet and this member has no room for new ones (see {@link MemoryValve}). */
    protected final boolean roomFor(Map.Entry<String, UserState> entry) {
        return valve == null || valve.hasRoomFor(entry);
    }

    /**
     * The entry's state as this member is about to write it: created when absent (from {@code ledger}'s
     * total), and claimed for this member when another member wrote it last (see
     * {@link io.tollgate.core.UsageBook}).
     */
    protected final UserState current(Map.Entry<String, UserState> entry, io.tollgate.core.BillingCycle cycle, long now,
                                      LedgerBase ledger) {
        UserState state = UserEntries.stateOf(entry, cycle, now, ledger);
        if (state.usage().writer().equals(member)) {
            return state;
        }
        return state.claimedBy(member, java.util.UUID.randomUUID().toString());
    }

    /** Stores {@code state} on the primary and remembers it for the backup. */
    protected final void write(Map.Entry<String, UserState> entry, UserState state) {
        UserEntries.store(member, entry, state, horizonMillis);
        written = state;
    }

    @Override
    public final EntryProcessor<String, UserState, R> getBackupProcessor() {
        return written == null ? null : new StateBackup<>(written, horizonMillis);
    }

    @Override
    public final int getFactoryId() {
        return ProcessorFactory.FACTORY_ID;
    }
}
