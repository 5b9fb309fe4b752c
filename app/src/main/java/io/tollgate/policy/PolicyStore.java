package io.tollgate.policy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.ClusterUnavailable;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.Window;
import io.tollgate.db.ReadBackOff;


/**
 * Policy look-ups, cached cluster-wide (IMaps with a TTL, default 5 minutes, and a near cache on
 * every member). An admin change is written to PostgreSQL and then put into the cluster cache, which
 * invalidates every member's near cache at once; a cache fill after a miss only ever uses
 * putIfAbsent, so it can never overwrite a newer admin change with what it read before it.
 * When PostgreSQL cannot be read on a miss, the user gets the defaults (FREE) for that call, at once
 * for 5 s after a failed read ({@link ReadBackOff}).
 *
 * <p>Decisions look policies up with a deadline: when the cluster does not answer by then (the entry's owner
 * died a moment ago or is frozen), the look-up answers the last policy this member read for that key
 * ({@link LastSeen}, up to {@value #LAST_SEEN_CAPACITY} users), or null when it never read one. A policy
 * read here less than a second ago is answered from there without asking the cluster at all, and so is one a
 * look-up fell back to less than a second ago.
 */
public final class PolicyStore {
    static final int LAST_SEEN_CAPACITY = 100_000;
    /** As long as the near caches keep an entry (cluster-config/hazelcast.yaml): changes reach decisions within it. */
    private static final long FRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final PolicyRepository repository;
    private final ReadBackOff backOff;
    private final IMap<String, UserPolicy> users;
    private final IMap<String, ApiPolicy> apis;
    private final ITopic<String> changes;
    private final java.util.List<java.util.function.Consumer<String>> localListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LastSeen<UserPolicy> lastUsers = new LastSeen<>(LAST_SEEN_CAPACITY);
    private final LastSeen<ApiPolicy> lastApis = new LastSeen<>(LAST_SEEN_CAPACITY);

    public PolicyStore(PolicyRepository repository, ReadBackOff backOff, HazelcastInstance hz) {
        this.repository = repository;
        this.backOff = backOff;
        this.changes = hz.getTopic(ClusterMember.POLICY_CHANGES);
        this.users = hz.getMap(ClusterMember.USER_POLICIES);
        this.apis = hz.getMap(ClusterMember.API_POLICIES);
        changes.addMessageListener(m -> forgetLastSeen(m.getMessageObject()));
    }

    /** For reads that are not decisions (listings, metrics): waits as long as Hazelcast's own retries. */
    public UserPolicy user(String userId) {
        return known(user(userId, Long.MAX_VALUE), "user " + userId);
    }

    /**
     * The user's policy; when the cluster does not answer by {@code deadlineNanos} ({@link System#nanoTime}),
     * the last one this member read, or null if it never read one.
     */
    public UserPolicy user(String userId, long deadlineNanos) {
        return lookUp(users, lastUsers, userId, deadlineNanos, "policy of " + userId, () -> repository.loadUser(userId),
                () -> UserPolicy.defaults(userId));
    }

    public ApiPolicy api(String apiId) {
        return known(api(apiId, Long.MAX_VALUE), "API " + apiId);
    }

    private static <T> T known(T policy, String of) {
        if (policy == null) {
            throw new com.hazelcast.core.HazelcastException("the policy of " + of + " could not be read from the cluster");
        }
        return policy;
    }

    /** As {@link #user(String, long)}, for an API's policy. */
    public ApiPolicy api(String apiId, long deadlineNanos) {
        return lookUp(apis, lastApis, apiId, deadlineNanos, "policy of API " + apiId, () -> repository.loadApi(apiId),
                () -> ApiPolicy.none(apiId));
    }

    /**
     * The cluster's cached policy, or the last one read here when the cluster does not answer in time (null if
     * none), or PostgreSQL's on a cache miss, or {@code unreadable} (for this call only, not cached) when
     * PostgreSQL cannot be read either.
     */
    private <V> V lookUp(IMap<String, V> cache, LastSeen<V> lastSeen, String key, long deadlineNanos, String what,
                         java.util.function.Supplier<V> load, java.util.function.Supplier<V> unreadable) {
        V recent = lastSeen.fresh(key, FRESH_NANOS);
        if (recent != null) {
            return recent;
        }
        V cached;
        try {
            cached = ClusterUnavailable.await(cache.getAsync(key), deadlineNanos);
        } catch (ClusterUnavailable e) {
            V last = lastSeen.get(key);
            if (last != null) {
                // Asked again only after the window: while an owner is dead, each member waits for it once per
                // window and key, not on every call. Every call on every member shares one API's policy, so a
                // master's kill used to add this wait to all of them until its partitions were promoted.
                lastSeen.remember(key, last);
            }
            return last;
        }
        if (cached != null) {
            lastSeen.remember(key, cached);
            return cached;
        }
        V loaded = backOff.read(what, load, () -> null);
        if (loaded == null) {
            return unreadable.get();
        }
        cache.putIfAbsent(key, loaded);
        lastSeen.remember(key, loaded);
        return loaded;
    }

    public UserPolicy setTier(String userId, Tier tier, double multiplier, int anchorDay, String zone) {
        return publish(repository.saveUser(userId, tier, multiplier, anchorDay, zone));
    }

    public UserPolicy setUserLimit(String userId, String apiId, Window window, Long max) {
        return publish(repository.saveUserLimit(userId, apiId, window, max));
    }

    public UserPolicy setQuota(String userId, Quota quota) {
        return publish(repository.saveUserQuota(userId, quota));
    }

    public ApiPolicy setApiLimit(String apiId, Window window, Long max) {
        ApiPolicy p = repository.saveApiLimit(apiId, window, max);
        apis.set(apiId, p);
        changed("");
        return p;
    }

    /** Fresh from PostgreSQL, for admin reads. */
    public UserPolicy userFromDatabase(String userId) {
        return repository.loadUser(userId);
    }

    public ApiPolicy apiFromDatabase(String apiId) {
        return repository.loadApi(apiId);
    }

    private UserPolicy publish(UserPolicy p) {
        users.set(p.userId(), p);
        changed(p.userId());
        return p;
    }

    /** Tells every member that a user's limits or counters changed ("" = every user's). */
    public void changed(String userId) {
        forgetLastSeen(userId);
        // This member's listeners first and synchronously: the admin's next call here must see the change.
        localListeners.forEach(l -> l.accept(userId));
        changes.publish(userId);
    }

    private void forgetLastSeen(String userId) {
        lastUsers.forget(userId);
        if (userId.isEmpty()) {
            lastApis.forget("");
        }
    }

    /** {@code listener} is told (synchronously) of changes made through this member. */
    public void onLocalChange(java.util.function.Consumer<String> listener) {
        localListeners.add(listener);
    }
}
