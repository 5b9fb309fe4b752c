package io.tollgate.observe;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.crdt.pncounter.PNCounter;
import io.tollgate.core.Tier;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide billed calls and revenue: {@code tollgate_api_calls_total{tier,api}} and
 * {@code tollgate_revenue_total{tier,api}}, the same value on every member (dashboards combine members
 * with {@code max}).
 *
 * <p>Design note. Each member counts its own allowed acquires locally ({@link DecisionMetrics}, a
 * LongAdder per tier and API label: nothing remote on the acquire path). Each collector round adds
 * what this member counted since its last round to a Hazelcast {@link PNCounter} per tier and API
 * ({@code tollgate-calls/<tier>/<api>}; a CRDT replicated to every member, so reads are local), then
 * reads every such counter for the gauges. A member that dies loses at most one interval of its
 * unpushed counts; values start again from 0 when the whole cluster restarts (a counter reset, which
 * rate() handles). Revenue is calls times the configured price, the same configuration on every
 * member assumed.
 */
final class BusinessTotals {
    static final String PREFIX = "tollgate-calls/";

    private final HazelcastInstance hz;
    private final Meters meters;
    private final Pricing pricing;
    /** Collector thread only: what this member has already added to each PN counter. */
    private final Map<String, Long> pushed = new HashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> totals = new ConcurrentHashMap<>();

    BusinessTotals(HazelcastInstance hz, Meters meters, Pricing pricing) {
        this.hz = hz;
        this.meters = meters;
        this.pricing = pricing;
    }

    void collect(DecisionMetrics local) {
        local.forEachCalls((tier, api, total) -> {
            String name = PREFIX + tier.wireName() + "/" + api;
            long before = pushed.getOrDefault(name, 0L);
            if (total > before) {
                hz.getPNCounter(name).addAndGet(total - before);
                pushed.put(name, total);
            }
        });
        for (DistributedObject o : hz.getDistributedObjects()) {
            if (o instanceof PNCounter counter && counter.getName().startsWith(PREFIX)) {
                cell(counter.getName()).set(counter.get());
            }
        }
    }

    private AtomicLong cell(String name) {
        AtomicLong cell = totals.get(name);
        if (cell != null) {
            return cell;
        }
        return totals.computeIfAbsent(name, n -> {
            String rest = n.substring(PREFIX.length());
            int slash = rest.indexOf('/');
            Tier tier = Tier.parse(rest.substring(0, slash));
            String api = rest.substring(slash + 1);
            AtomicLong c = new AtomicLong();
            meters.functionalCounter(MetricNames.API_CALLS, c, AtomicLong::get, "tier", tier.wireName(), "api", api);
            double price = pricing.of(tier, api);
            meters.fractionalCounter(MetricNames.REVENUE, c, x -> x.get() * price, "tier", tier.wireName(), "api", api);
            return c;
        });
    }
}
