package io.tollgate.policy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import io.tollgate.cluster.ClusterMember;
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
 */
public final class PolicyStore {

    private final PolicyRepository repository;
    private final ReadBackOff backOff;
    private final IMap<String, UserPolicy> users;
    private final IMap<String, ApiPolicy> apis;
    private final ITopic<String> changes;
    private final java.util.List<java.util.function.Consumer<String>> localListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public PolicyStore(PolicyRepository repository, ReadBackOff backOff, HazelcastInstance hz) {
        this.repository = repository;
        this.backOff = backOff;
        this.changes = hz.getTopic(ClusterMember.POLICY_CHANGES);
        this.users = hz.getMap(ClusterMember.USER_POLICIES);
        this.apis = hz.getMap(ClusterMember.API_POLICIES);
    }

    public UserPolicy user(String userId) {
        UserPolicy cached = users.get(userId);
        if (cached != null) {
            return cached;
        }
        UserPolicy loaded = backOff.read("policy of " + userId, () -> repository.loadUser(userId), () -> null);
        if (loaded == null) {
            return UserPolicy.defaults(userId); // for this call only: not cached
        }
        users.putIfAbsent(userId, loaded);
        return loaded;
    }

    public ApiPolicy api(String apiId) {
        ApiPolicy cached = apis.get(apiId);
        if (cached != null) {
            return cached;
        }
        ApiPolicy loaded = backOff.read("policy of API " + apiId, () -> repository.loadApi(apiId), () -> null);
        if (loaded == null) {
            return ApiPolicy.none(apiId); // for this call only: not cached
        }
        apis.putIfAbsent(apiId, loaded);
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
        // This member's listeners first and synchronously: the admin's next call here must see the change.
        localListeners.forEach(l -> l.accept(userId));
        changes.publish(userId);
    }

    /** {@code listener} is told (synchronously) of changes made through this member. */
    public void onLocalChange(java.util.function.Consumer<String> listener) {
        localListeners.add(listener);
    }
}
