package io.tollgate.http;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.core.BillingPeriod;
import io.tollgate.core.Meter;
import io.tollgate.core.Quota;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageBook;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.decide.DecisionService;
import io.tollgate.ledger.LedgerRepository;
import io.tollgate.policy.PolicyStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GET /api/quotas?user_id=U: each meter's used, limit and remaining in the current billing period,
 * and usage per API. The cluster's view is authoritative for "used" (the ledger plus what is not
 * flushed yet); when the cluster has no entry for the user, the ledger alone answers.
 */
public final class QuotaService implements HttpService {
    private final DecisionService decisions;
    private final PolicyStore policies;
    private final LedgerRepository ledger;

    public QuotaService(DecisionService decisions, PolicyStore policies, LedgerRepository ledger) {
        this.decisions = decisions;
        this.policies = policies;
        this.ledger = ledger;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::quotas);
    }

    private void quotas(ServerRequest req, ServerResponse res) {
        String user = Json.query(req, "user_id");
        UserPolicy policy = policies.user(user);
        BillingPeriod period = policy.billingCycle().periodAt(Instant.now());
        long start = period.start().toEpochMilli();
        UserState state = decisions.userState(user);
        Map<String, Totals> byApi = new TreeMap<>(ledger.byApi(user, start));
        Totals used;
        if (state != null && state.usage().periodStart() == start && state.usage().baseKnown()) {
            UsageBook book = state.usage();
            used = book.used();
            book.unconfirmedByApi().forEach((api, t) -> byApi.merge(api, t, Totals::plus));
        } else {
            used = byApi.values().stream().reduce(Totals.ZERO, Totals::plus);
            if (state != null && state.usage().periodStart() == start) {
                Map<String, Totals> unconfirmed = state.usage().unconfirmedByApi();
                unconfirmed.forEach((api, t) -> byApi.merge(api, t, Totals::plus));
                used = unconfirmed.values().stream().reduce(used, Totals::plus);
            }
        }
        Quota quota = policy.quota();
        List<Map<String, Object>> meters = new ArrayList<>();
        for (Meter m : Meter.values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("meter", m.wireName());
            row.put("used", used.of(m));
            row.put("limit", quota.of(m));
            row.put("remaining", Math.max(0, quota.of(m) - used.of(m)));
            row.put("period_start", period.start().toString());
            row.put("period_end", period.end().toString());
            meters.add(row);
        }
        List<Map<String, Object>> apis = new ArrayList<>();
        byApi.forEach((api, t) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("api_id", api);
            row.put("requests", t.requests());
            row.put("bandwidth_bytes", t.bytes());
            row.put("compute_ms", t.computeMs());
            apis.add(row);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user_id", user);
        body.put("tier", policy.tier().wireName());
        body.put("period_start", period.start().toString());
        body.put("period_end", period.end().toString());
        body.put("billing_anchor_day", policy.billingAnchorDay());
        body.put("billing_time_zone", policy.billingZone());
        body.put("meters", meters);
        body.put("apis", apis);
        Json.send(res, 200, body);
    }
}
