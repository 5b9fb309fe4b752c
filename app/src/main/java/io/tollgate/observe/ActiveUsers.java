package io.tollgate.observe;

import com.hazelcast.cardinality.CardinalityEstimator;
import com.hazelcast.core.HazelcastInstance;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Distinct active users per UTC day and per UTC calendar month ({@code period="billing"}: users have
 * their own billing anchors, so the month is the common approximation), counted cluster-wide in
 * Hazelcast {@link CardinalityEstimator}s (HyperLogLog, about 1% error) named
 * {@code tollgate-active-users-2026-11-28} and {@code tollgate-active-users-2026-11}.
 *
 * <p>Design note. The acquire path only adds the user id to a local set (no remote call; a known id
 * allocates nothing); the collector swaps the set and adds its ids to both estimators, then reads the
 * estimates. Every member does the same, so the estimate is cluster-wide and every member reports it
 * (take {@code max} across members, not {@code sum}). Estimators two days / two months old are
 * destroyed when the period rolls over.
 */
final class ActiveUsers {
    private static final Logger LOG = Logger.getLogger(ActiveUsers.class.getName());
    static final String PREFIX = "tollgate-active-users-";
    private static final int PENDING_CAPACITY = 500_000;

    private volatile Set<String> pending = ConcurrentHashMap.newKeySet();
    private volatile long day;
    private volatile long billing;
    private LocalDate lastDay;

    void seen(String userId) {
        Set<String> s = pending;
        if (!s.contains(userId) && s.size() < PENDING_CAPACITY) {
            s.add(userId);
        }
    }

    long day() {
        return day;
    }

    long billing() {
        return billing;
    }

    /** Pushes the users seen since the last call and reads both estimates (collector thread). */
    void collect(HazelcastInstance hz, long nowMillis) {
        Set<String> batch = pending;
        pending = ConcurrentHashMap.newKeySet();
        LocalDate today = java.time.Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        CardinalityEstimator dayEstimator = hz.getCardinalityEstimator(PREFIX + today);
        CardinalityEstimator monthEstimator = hz.getCardinalityEstimator(PREFIX + YearMonth.from(today));
        List<CompletableFuture<Void>> adds = new ArrayList<>(batch.size() * 2);
        for (String user : batch) {
            adds.add(dayEstimator.addAsync(user).toCompletableFuture());
            adds.add(monthEstimator.addAsync(user).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "active users: not every add was confirmed", e);
        }
        day = dayEstimator.estimate();
        billing = monthEstimator.estimate();
        if (lastDay != null && !lastDay.equals(today)) {
            hz.getCardinalityEstimator(PREFIX + today.minusDays(2)).destroy();
            if (!YearMonth.from(lastDay).equals(YearMonth.from(today))) {
                hz.getCardinalityEstimator(PREFIX + YearMonth.from(today).minusMonths(2)).destroy();
            }
        }
        lastDay = today;
    }
}
