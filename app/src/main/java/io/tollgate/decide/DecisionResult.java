package io.tollgate.decide;

import io.tollgate.core.BillingCycle;
import io.tollgate.core.Decision;
import io.tollgate.core.Limit;
import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;

import java.util.List;

/**
 * A decision and what the fronts and metrics need around it.
 *
 * @param applied the limits that applied to the call, for the RateLimit-Policy header; null when none are known
 *                (a call of the API's global limits alone lists those)
 */
public record DecisionResult(Decision decision, Tier tier, boolean replayed, Applied applied) {

    public DecisionResult(Decision decision, Tier tier, boolean replayed) {
        this(decision, tier, replayed, null);
    }

    /**
     * Every limit that applied to one call: the user's and user+API windows, the API's global windows, and the
     * request quota of the billing cycle. The acquire path hands over the lists it built for the owner anyway.
     */
    public record Applied(List<Limit> limits, List<Limit> globalLimits, Quota quota, BillingCycle cycle) {
        static Applied of(UserPolicy policy, String apiId, List<Limit> globalLimits) {
            return new Applied(policy.limitsFor(apiId), globalLimits, policy.quota(), policy.billingCycle());
        }
    }
}
