package io.tollgate.observe;

import io.helidon.config.Config;
import io.tollgate.config.InvalidSettingException;
import io.tollgate.core.Tier;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Price of one request unit, for {@code tollgate_revenue_total}. Per tier from {@code tollgate.pricing.<tier>}
 * (defaults below), overridden per API by {@code tollgate.pricing.apis.<api>}: either one price for every
 * tier, or a map {@code {<tier>: price}} for some tiers.
 *
 * <pre>
 * tollgate:
 *   pricing:
 *     basic: 0.001
 *     apis:
 *       search: 0.002            # every tier
 *       translate: {pro: 0.004}  # only PRO; other tiers keep their tier price
 * </pre>
 */
public final class Pricing {
    private static final Map<Tier, Double> DEFAULTS = Map.of(Tier.FREE, 0.0, Tier.BASIC, 0.001, Tier.PRO, 0.0008,
            Tier.ENTERPRISE, 0.0005);

    private final EnumMap<Tier, Double> perTier;
    private final Map<String, EnumMap<Tier, Double>> perApi;

    Pricing(EnumMap<Tier, Double> perTier, Map<String, EnumMap<Tier, Double>> perApi) {
        this.perTier = perTier;
        this.perApi = perApi;
    }

    public static Pricing defaults() {
        return new Pricing(new EnumMap<>(DEFAULTS), Map.of());
    }

    public static Pricing from(Config pricing) {
        EnumMap<Tier, Double> perTier = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            perTier.put(t, price(pricing.get(t.wireName()), "tollgate.pricing." + t.wireName(), DEFAULTS.get(t)));
        }
        Map<String, EnumMap<Tier, Double>> perApi = new HashMap<>();
        Config apis = pricing.get("apis");
        if (apis.exists()) {
            for (Config api : apis.asNodeList().orElse(java.util.List.of())) {
                String key = "tollgate.pricing.apis." + api.name();
                EnumMap<Tier, Double> prices = new EnumMap<>(Tier.class);
                if (api.isLeaf()) {
                    double p = price(api, key, 0);
                    for (Tier t : Tier.values()) {
                        prices.put(t, p);
                    }
                } else {
                    for (Config tier : api.asNodeList().orElse(java.util.List.of())) {
                        Tier t;
                        try {
                            t = Tier.parse(tier.name());
                        } catch (IllegalArgumentException e) {
                            throw new InvalidSettingException(key + "." + tier.name(), tier.name(), e.getMessage());
                        }
                        prices.put(t, price(tier, key + "." + tier.name(), 0));
                    }
                }
                perApi.put(api.name(), prices);
            }
        }
        return new Pricing(perTier, Map.copyOf(perApi));
    }

    /** Price of one request unit of {@code apiId} for a {@code tier} user. */
    public double of(Tier tier, String apiId) {
        EnumMap<Tier, Double> api = perApi.get(apiId);
        if (api != null) {
            Double p = api.get(tier);
            if (p != null) {
                return p;
            }
        }
        return perTier.get(tier);
    }

    private static double price(Config node, String key, double dflt) {
        if (!node.exists()) {
            return dflt;
        }
        String raw = node.asString().orElse("").trim();
        double p;
        try {
            p = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, raw, "must be a price per call such as 0.001");
        }
        if (!(p >= 0) || Double.isInfinite(p)) {
            throw new InvalidSettingException(key, raw, "must be a non-negative price");
        }
        return p;
    }
}
