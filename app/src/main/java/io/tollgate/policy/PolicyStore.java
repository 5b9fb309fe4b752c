package io.tollgate.policy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.ClusterUnavailable;
import io.tollgate.cluster.OnCompletion;
import io.tollgate.cluster.MemoryValve;
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
 * <p>Decisions answer the last policy this member read for a key ({@link LastSeen}, up to
 * {@value #LAST_SEEN_CAPACITY} users): as it is while it is fresh, and otherwise while it is read again in the
 * background, so a decision never waits for a policy it has read before (its owner may have died a moment ago or be
 * frozen). An admin change makes every member forget its last read at once (a message to all members, and the near
 * caches' invalidation). Both can be lost only while members come and go, so freshness follows membership: a
 * policy read is fresh for a second within {@value #UNSETTLED_SECONDS} s of a membership change seen by this member
 * (a member that joins has read nothing before its join), and for {@code tollgate.policy.refresh-interval} (10 s by default) otherwise. A re-read
 * is a cluster call per key and member, which at one second per active user was a cluster call for every few
 * decisions. A policy never read here is looked up with the decision's deadline: null when the cluster does not
 * answer by then.
 *
 * <p>While this member's {@link MemoryValve} sheds never-seen users, a policy read for a key not held is neither
 * remembered here nor put into the cluster cache: a flood of never-seen users is looked up before its owner sheds
 * it, and those caches (up to 100,000 users each, and the cluster cache's backups) filled the heap after the valve
 * had closed (a 10-minute hostile run with 256 MB heaps ran out of memory).
 */
public final class PolicyStore {
    static final int LAST_SEEN_CAPACITY = 100_000;
    /** As long as the near caches keep an entry (cluster-config/hazelcast.yaml), while membership is unsettled. */
    private static final long UNSETTLED_FRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    static final int UNSETTLED_SECONDS = 60;

    private final PolicyRepository repository;
    private final ReadBackOff backOff;
    private final IMap<String, UserPolicy> users;
    private final IMap<String, ApiPolicy> apis;
    private final ITopic<String> changes;
    private final java.util.List<java.util.function.Consumer<String>> localListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MemoryValve valve;
    private final LastSeen<UserPolicy> lastUsers;
    private final LastSeen<ApiPolicy> lastApis;
    private final long settledFreshNanos;
    private final long unsettledNanos;
    private volatile long unsettledUntil;

    public PolicyStore(PolicyRepository repository, ReadBackOff backOff, HazelcastInstance hz,
                       java.time.Duration refreshInterval) {
        this(repository, backOff, hz, refreshInterval, java.time.Duration.ofSeconds(UNSETTLED_SECONDS));
    }

    /** @param unsettledWindow how long after a membership change reads are fresh for 1 s only */
    PolicyStore(PolicyRepository repository, ReadBackOff backOff, HazelcastInstance hz,
                java.time.Duration refreshInterval, java.time.Duration unsettledWindow) {
        this.settledFreshNanos = Math.max(UNSETTLED_FRESH_NANOS, refreshInterval.toNanos());
        this.unsettledNanos = unsettledWindow.toNanos();
        this.unsettledUntil = System.nanoTime();
        hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
            @Override
            public void memberAdded(com.hazelcast.cluster.MembershipEvent event) {
                membershipChanged();
            }

            @Override
            public void memberRemoved(com.hazelcast.cluster.MembershipEvent event) {
                membershipChanged();
            }
        });
        this.valve = MemoryValve.of(hz);
        this.lastUsers = new LastSeen<>(LAST_SEEN_CAPACITY, valve::admitsNewEntries);
        this.lastApis = new LastSeen<>(LAST_SEEN_CAPACITY, valve::admitsNewEntries);
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
     * The user's policy: the last one this member read, at once; never read here, the cluster's, or null when the
     * cluster does not answer by {@code deadlineNanos} ({@link System#nanoTime}).
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
     * The last policy read here while it is less than a second old. Older, it is answered still and read again in
     * the background ({@link #refresh}). Never read here: the cluster's cached policy, or PostgreSQL's on a cache
     * miss, or {@code unreadable} (for this call only, not cached) when PostgreSQL cannot be read either; or null
     * when the cluster does not answer by {@code deadlineNanos}.
     */
    private <V> V lookUp(IMap<String, V> cache, LastSeen<V> lastSeen, String key, long deadlineNanos, String what,
                         java.util.function.Supplier<V> load, java.util.function.Supplier<V> unreadable) {
        V recent = lastSeen.fresh(key, freshNanos());
        if (recent != null) {
            return recent;
        }
        long generation = lastSeen.generation();
        V last = lastSeen.get(key);
        if (last != null) {
            // Not waited for: the entry's owner may have died a moment ago, and every call of a user (or, for an
            // API's policy, every call on every member) would wait for it until its backup is promoted. Counted
            // as read now, so one refresh per second and key.
            lastSeen.rememberUnlessForgotten(key, last, generation);
            refresh(cache, lastSeen, key, generation);
            return last;
        }
        V cached;
        try {
            cached = ClusterUnavailable.await(cache.getAsync(key), deadlineNanos);
        } catch (ClusterUnavailable e) {
            return null;
        }
        if (cached != null) {
            lastSeen.rememberUnlessForgotten(key, cached, generation);
            return cached;
        }
        V loaded = backOff.read(what, load, () -> null);
        if (loaded == null) {
            return unreadable.get();
        }
        if (valve.admitsNewEntries()) {
            cache.putIfAbsent(key, loaded);
        }
        lastSeen.rememberUnlessForgotten(key, loaded, generation);
        return loaded;
    }

    /** Messages may be lost around now: policy reads are fresh for a second only, for the unsettled window. */
    void membershipChanged() {
        unsettledUntil = System.nanoTime() + unsettledNanos;
    }

    /** How long a policy read counts as fresh now: short while membership is unsettled (see the class note). */
    private long freshNanos() {
        return System.nanoTime() - unsettledUntil < 0 ? UNSETTLED_FRESH_NANOS : settledFreshNanos;
    }

    /**
     * Reads the cluster's cached policy into {@link LastSeen} when its owner answers (Hazelcast retries it on the
     * promoted backup if the owner died). Gone from the cluster's cache (its TTL passed): forgotten here, so the
     * next look-up reads it the way a policy never read here is.
     */
    private static <V> void refresh(IMap<String, V> cache, LastSeen<V> lastSeen, String key, long generation) {
        java.util.concurrent.CompletableFuture<V> read = cache.getAsync(key).toCompletableFuture();
        OnCompletion.whenDone(read, failure -> {
            if (failure != null) {
                return;
            }
            V value = read.getNow(null);
            if (value != null) {
                lastSeen.rememberUnlessForgotten(key, value, generation);
            } else {
                lastSeen.forget(key);
            }
        });
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
