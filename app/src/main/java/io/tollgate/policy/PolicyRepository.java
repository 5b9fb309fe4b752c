package io.tollgate.policy;

import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.Window;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** Durable policies in PostgreSQL (tables of migrations/sql/V1__policies.sql). */
public final class PolicyRepository {
    private final Jdbi jdbi;

    public PolicyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public UserPolicy loadUser(String userId) {
        return jdbi.withHandle(h -> loadUser(h, userId));
    }

    /**
     * One round trip: the policy row, the custom limits and the custom quota of a user together
     * (a user nobody configured costs one indexed miss on each table, in one statement).
     */
    private static UserPolicy loadUser(Handle h, String userId) {
        UserPolicy[] policy = {UserPolicy.defaults(userId)};
        Map<Window, Long> custom = new EnumMap<>(Window.class);
        Map<String, Map<Window, Long>> perApi = new HashMap<>();
        Quota[] quota = {null};
        h.createQuery("""
                        SELECT 'p' AS kind, tier AS a, NULL AS b, multiplier AS m, billing_anchor_day AS d,
                               billing_time_zone AS z, NULL::bigint AS x, NULL::bigint AS y, NULL::bigint AS w
                          FROM user_policy WHERE user_id = :u
                        UNION ALL
                        SELECT 'l', api_id, time_window, NULL, NULL, NULL, max_units, NULL, NULL
                          FROM user_limit WHERE user_id = :u
                        UNION ALL
                        SELECT 'q', NULL, NULL, NULL, NULL, NULL, requests, bandwidth_bytes, compute_ms
                          FROM user_quota WHERE user_id = :u""")
                .bind("u", userId)
                .map((rs, ctx) -> {
                    switch (rs.getString("kind")) {
                        case "p" -> policy[0] = new UserPolicy(userId, Tier.parse(rs.getString("a")), rs.getDouble("m"),
                                Map.of(), Map.of(), null, rs.getInt("d"), rs.getString("z"));
                        case "l" -> {
                            String api = rs.getString("a");
                            Window w = Window.parse(rs.getString("b"));
                            if (api.isEmpty()) {
                                custom.put(w, rs.getLong("x"));
                            } else {
                                perApi.computeIfAbsent(api, k -> new EnumMap<>(Window.class)).put(w, rs.getLong("x"));
                            }
                        }
                        default -> quota[0] = new Quota(rs.getLong("x"), rs.getLong("y"), rs.getLong("w"));
                    }
                    return 0;
                }).list();
        return policy[0].withCustomLimits(custom).withApiLimits(perApi).withCustomQuota(quota[0]);
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
