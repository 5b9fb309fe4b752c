package io.tollgate.cluster;

import io.tollgate.core.UserState;

import java.util.UUID;

/**
 * Split-brain merge of a user's entry: the fuller of the two copies' counters in every bucket, and the
 * other copy's unconfirmed batches and pending usage, which PutIfAbsent would drop and billing would
 * lose ({@link UserState#absorb}); the ledger applies each batch once.
 */
public final class UserStateMergePolicy extends CopiesMergePolicy<UserState> {

    @Override
    protected UserState combine(UserState kept, UserState other) {
        return kept.absorb(other, UUID.randomUUID().toString(), System.currentTimeMillis());
    }
}
