package io.tollgate.policy;

import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.Window;
import io.tollgate.db.BatchedReads;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Durable policies in PostgreSQL (tables of migrations/sql/V1__policies.sql). */
public final class PolicyRepository {
    private final Jdbi jdbi;
    private final BatchedReads<String, UserPolicy> userReads;

    /** {@code readers}: at most this many of the pool's connections read users' policies at once. */
    public PolicyRepository(Jdbi jdbi, int readers) {
        this.jdbi = jdbi;
        this.userReads = new BatchedReads<>(this::loadUsers, readers, BatchedReads.KEYS_PER_QUERY);
    }

    /** A user's policy; concurrent calls share set-based queries ({@link BatchedReads}). */
    public UserPolicy loadUser(String userId) {
        return userReads.get(userId);
    }

    Map<String, UserPolicy> loadUsers(List<String> userIds) {
        return jdbi.withHandle(h -> loadUsers(h, userIds));
    }

    private static UserPolicy loadUser(Handle h, String userId) {
        return loadUsers(h, List.of(userId)).get(userId);
    }

    /**
     * One round trip: the policy rows, the custom limits and the custom quotas of the users together
     * (a user nobody configured costs one indexed miss on each table and gets the tier defaults).
     */
    private static Map<String, UserPolicy> loadUsers(Handle h, List<String> userIds) {
        Map<String, UserPolicy> policy = new LinkedHashMap<>();
        Map<String, Map<Window, Long>> custom = new HashMap<>();
        Map<String, Map<String, Map<Window, Long>>> perApi = new HashMap<>();
        Map<String, Quota> quota = new HashMap<>();
        userIds.forEach(u -> policy.put(u, UserPolicy.defaults(u)));
        h.createQuery("""
                        SELECT 'p' AS kind, user_id, tier AS a, NULL AS b, multiplier AS m, billing_anchor_day AS d,
                               billing_time_zone AS z, NULL::bigint AS x, NULL::bigint AS y, NULL::bigint AS w
                          FROM user_policy WHERE user_id = ANY(:u)
                        UNION ALL
                        SELECT 'l', user_id, api_id, time_window, NULL, NULL, NULL, max_units, NULL, NULL
                          FROM user_limit WHERE user_id = ANY(:u)
                        UNION ALL
                        SELECT 'q', user_id, NULL, NULL, NULL, NULL, NULL, requests, bandwidth_bytes, compute_ms
                          FROM user_quota WHERE user_id = ANY(:u)""")
                .bindArray("u", String.class, userIds)
                .map((rs, ctx) -> {
                    String user = rs.getString("user_id");
                    switch (rs.getString("kind")) {
                        case "p" -> policy.put(user, new UserPolicy(user, Tier.parse(rs.getString("a")), rs.getDouble("m"),
                                Map.of(), Map.of(), null, rs.getInt("d"), rs.getString("z")));
                        case "l" -> {
                            String api = rs.getString("a");
                            Window w = Window.parse(rs.getString("b"));
                            if (api.isEmpty()) {
                                custom.computeIfAbsent(user, k -> new EnumMap<>(Window.class)).put(w, rs.getLong("x"));
                            } else {
                                perApi.computeIfAbsent(user, k -> new HashMap<>())
                                        .computeIfAbsent(api, k -> new EnumMap<>(Window.class)).put(w, rs.getLong("x"));
                            }
                        }
                        default -> quota.put(user, new Quota(rs.getLong("x"), rs.getLong("y"), rs.getLong("w")));
                    }
                    return 0;
                }).list();
        policy.replaceAll((user, p) -> p.withCustomLimits(custom.getOrDefault(user, Map.of()))
                .withApiLimits(perApi.getOrDefault(user, Map.of())).withCustomQuota(quota.get(user)));
        return policy;
    }

    public ApiPolicy loadApi(String apiId) {
        Map<Window, Long> limits = new EnumMap<>(Window.class);
        jdbi.useHandle(h -> h.createQuery("SELECT time_window, max_units FROM api_limit WHERE api_id = :a")
                .bind("a", apiId)
                .map((rs, ctx) -> limits.put(Window.parse(rs.getString(1)), rs.getLong(2)))
                .list());
        return new ApiPolicy(apiId, limits);
    }

    /** Sets tier, multiplier and billing cycle; returns the user's whole policy as now stored. */
    public UserPolicy saveUser(String userId, Tier tier, double multiplier, int anchorDay, String zone) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO user_policy (user_id, tier, multiplier, billing_anchor_day, billing_time_zone, updated_at)
                    VALUES (:u, :t, :m, :d, :z, now())
                    ON CONFLICT (user_id) DO UPDATE SET tier = EXCLUDED.tier, multiplier = EXCLUDED.multiplier,
                        billing_anchor_day = EXCLUDED.billing_anchor_day, billing_time_zone = EXCLUDED.billing_time_zone,
                        updated_at = now()""")
                    .bind("u", userId).bind("t", tier.wireName()).bind("m", multiplier).bind("d", anchorDay).bind("z", zone)
                    .execute();
            return loadUser(h, userId);
        });
    }

    /** Sets (max > 0) or removes (max == null) a custom limit; apiId "" means all APIs. */
    public UserPolicy saveUserLimit(String userId, String apiId, Window window, Long max) {
        return jdbi.inTransaction(h -> {
            if (max == null) {
                h.createUpdate("DELETE FROM user_limit WHERE user_id = :u AND api_id = :a AND time_window = :w")
                        .bind("u", userId).bind("a", apiId).bind("w", window.wireName()).execute();
            } else {
                h.createUpdate("""
                        INSERT INTO user_limit (user_id, api_id, time_window, max_units) VALUES (:u, :a, :w, :m)
                        ON CONFLICT (user_id, api_id, time_window) DO UPDATE SET max_units = EXCLUDED.max_units, updated_at = now()""")
                        .bind("u", userId).bind("a", apiId).bind("w", window.wireName()).bind("m", max).execute();
            }
            return loadUser(h, userId);
        });
    }

    public UserPolicy saveUserQuota(String userId, Quota quota) {
        return jdbi.inTransaction(h -> {
            if (quota == null) {
                h.createUpdate("DELETE FROM user_quota WHERE user_id = :u").bind("u", userId).execute();
            } else {
                h.createUpdate("""
                        INSERT INTO user_quota (user_id, requests, bandwidth_bytes, compute_ms) VALUES (:u, :r, :b, :c)
                        ON CONFLICT (user_id) DO UPDATE SET requests = EXCLUDED.requests,
                            bandwidth_bytes = EXCLUDED.bandwidth_bytes, compute_ms = EXCLUDED.compute_ms, updated_at = now()""")
                        .bind("u", userId).bind("r", quota.requests()).bind("b", quota.bandwidthBytes())
                        .bind("c", quota.computeMs()).execute();
            }
            return loadUser(h, userId);
        });
    }

    public ApiPolicy saveApiLimit(String apiId, Window window, Long max) {
        jdbi.useTransaction(h -> {
            if (max == null) {
                h.createUpdate("DELETE FROM api_limit WHERE api_id = :a AND time_window = :w")
                        .bind("a", apiId).bind("w", window.wireName()).execute();
            } else {
                h.createUpdate("""
                        INSERT INTO api_limit (api_id, time_window, max_units) VALUES (:a, :w, :m)
                        ON CONFLICT (api_id, time_window) DO UPDATE SET max_units = EXCLUDED.max_units, updated_at = now()""")
                        .bind("a", apiId).bind("w", window.wireName()).bind("m", max).execute();
            }
        });
        return loadApi(apiId);
    }
}
