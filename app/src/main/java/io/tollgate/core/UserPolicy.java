package io.tollgate.core;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an admin has set for one user: tier, multiplier, custom limits per user and per
 * user+API, a custom quota and the billing cycle. A user nobody has configured gets {@link #defaults}.
 *
 * @param multiplier scales the tier's rate limits (custom limits are absolute and are not scaled)
 * @param customQuota null means the tier's quota
 */
public record UserPolicy(String userId, Tier tier, double multiplier, Map<Window, Long> customLimits,
                         Map<String, Map<Window, Long>> apiLimits, Quota customQuota,
                         int billingAnchorDay, String billingZone) {

    public static final double MAX_MULTIPLIER = 1000.0;

    public UserPolicy {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        if (!(multiplier > 0) || multiplier > MAX_MULTIPLIER) {
            throw new IllegalArgumentException("multiplier must be in (0, " + MAX_MULTIPLIER + "], was " + multiplier);
        }
        if (billingAnchorDay < 1 || billingAnchorDay > 31) {
            throw new IllegalArgumentException("billing anchor day must be 1..31, was " + billingAnchorDay);
        }
        ZoneId.of(billingZone);
        customLimits = Map.copyOf(customLimits);
        apiLimits = copyNested(apiLimits);
    }

    public static UserPolicy defaults(String userId) {
        return new UserPolicy(userId, Tier.FREE, 1.0, Map.of(), Map.of(), null, 1, "UTC");
    }

    /** Every limit that applies to a call of {@code apiId} by this user, USER scope first. */
    public List<Limit> limitsFor(String apiId) {
        List<Limit> limits = new ArrayList<>(userLimits());
        Map<Window, Long> perApi = apiLimits.get(apiId);
        if (perApi != null) {
            perApi.forEach((w, max) -> limits.add(new Limit(Scope.USER_API, w, max)));
        }
        return limits;
    }

    /** USER-scope limits: the tier's, scaled by the multiplier, with custom limits replacing them per window. */
    public List<Limit> userLimits() {
        Map<Window, Long> merged = new EnumMap<>(Window.class);
        tier.rateLimits().forEach((w, max) -> merged.put(w, Math.max(1, (long) Math.floor(max * multiplier))));
        merged.putAll(customLimits);
        List<Limit> limits = new ArrayList<>(merged.size());
        merged.forEach((w, max) -> limits.add(new Limit(Scope.USER, w, max)));
        return limits;
    }

    public Quota quota() {
        return customQuota != null ? customQuota : tier.quota();
    }

    public BillingCycle billingCycle() {
        return new BillingCycle(billingAnchorDay, ZoneId.of(billingZone));
    }

    public UserPolicy withTier(Tier newTier, double newMultiplier, int anchorDay, String zone) {
        return new UserPolicy(userId, newTier, newMultiplier, customLimits, apiLimits, customQuota, anchorDay, zone);
    }

    public UserPolicy withCustomLimits(Map<Window, Long> limits) {
        return new UserPolicy(userId, tier, multiplier, limits, apiLimits, customQuota, billingAnchorDay, billingZone);
    }

    public UserPolicy withApiLimits(Map<String, Map<Window, Long>> limits) {
        return new UserPolicy(userId, tier, multiplier, customLimits, limits, customQuota, billingAnchorDay, billingZone);
    }

    public UserPolicy withCustomQuota(Quota quota) {
        return new UserPolicy(userId, tier, multiplier, customLimits, apiLimits, quota, billingAnchorDay, billingZone);
    }

    private static Map<String, Map<Window, Long>> copyNested(Map<String, Map<Window, Long>> in) {
        Map<String, Map<Window, Long>> out = new java.util.HashMap<>();
        in.forEach((api, m) -> {
            if (!m.isEmpty()) {
                out.put(api, Map.copyOf(m));
            }
        });
        return Map.copyOf(out);
    }
}
