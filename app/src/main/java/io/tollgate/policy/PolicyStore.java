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

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Policy look-ups, cached cluster-wide (IMaps with a TTL, default 5 minutes, and a near cache on
 * every member). An admin change is written to PostgreSQL and then put into the cluster cache, which
 * invalidates every member's near cache at once; a cache fill after a miss only ever uses
 * putIfAbsent, so it can never overwrite a newer admin change with what it read before it.
 * When PostgreSQL cannot be read on a miss, the user gets the defaults (FREE) for that call.
 */
public final class PolicyStore {
    private static final Logger LOG = Logger.getLogger(PolicyStore.class.getName());

    private final PolicyRepository repository;
    private final IMap<String, UserPolicy> users;
    private final IMap<String, ApiPolicy> apis;
    private final ITopic<String> changes;
    private final java.util.List<java.util.function.Consumer<String>> localListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public PolicyStore(PolicyRepository repository, HazelcastInstance hz) {
        this.repository = repository;
        this.changes = hz.getTopic(ClusterMember.POLICY_CHANGES);
        this.users = hz.getMap(ClusterMember.USER_POLICIES);
        this.apis = hz.getMap(ClusterMember.API_POLICIES);
    }

    public UserPolicy user(String userId) {
        UserPolicy cached = users.get(userId);
        if (cached != null) {
            return cached;
        }
        try {
            UserPolicy loaded = repository.loadUser(userId);
            users.putIfAbsent(userId, loaded);
            return loaded;
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "policy of " + userId + " unreadable, using defaults", e);
            return UserPolicy.defaults(userId);
        }
    }

    public ApiPolicy api(String apiId) {
        ApiPolicy cached = apis.get(apiId);
        if (cached != null) {
            return cached;
        }
        try {
            ApiPolicy loaded = repository.loadApi(apiId);
            apis.putIfAbsent(apiId, loaded);
            return loaded;
        } catch (RuntimeException e) {
            return ApiPolicy.none(apiId);
        }
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
