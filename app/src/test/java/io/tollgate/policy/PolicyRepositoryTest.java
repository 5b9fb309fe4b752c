package io.tollgate.policy;

import io.tollgate.core.Quota;
import io.tollgate.core.Tier;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.Window;
import io.tollgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Users' policies read on a real PostgreSQL, many at once (they share set-based queries). */
class PolicyRepositoryTest {
    private static TestDatabase db;
    private static PolicyRepository policies;

    @BeforeAll
    static void migrate() {
        db = new TestDatabase();
        policies = new PolicyRepository(db.migratedJdbi(), 2);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    /** User i: even ones configured (tier, a limit for all APIs, one for API "maps", a quota), odd ones not. */
    private static UserPolicy expected(int i) {
        String user = "p-" + i;
        if (i % 2 == 1) {
            return UserPolicy.defaults(user);
        }
        return UserPolicy.defaults(user).withTier(Tier.PRO, 1.5, 1 + i % 28, "UTC")
                .withCustomLimits(Map.of(Window.MINUTE, 100L + i))
                .withApiLimits(Map.of("maps", Map.of(Window.HOUR, 1_000L + i)))
                .withCustomQuota(new Quota(10_000 + i, 5_000, 60_000));
    }

    @Test
    void concurrentReadsOfConfiguredAndUnconfiguredUsersEachGetTheirOwnPolicy() throws Exception {
        int users = 60;
        for (int i = 0; i < users; i += 2) {
            UserPolicy p = expected(i);
            policies.saveUser(p.userId(), p.tier(), p.multiplier(), p.billingAnchorDay(), p.billingZone());
            policies.saveUserLimit(p.userId(), "", Window.MINUTE, 100L + i);
            policies.saveUserLimit(p.userId(), "maps", Window.HOUR, 1_000L + i);
            policies.saveUserQuota(p.userId(), p.customQuota());
        }
        List<CompletableFuture<UserPolicy>> reads = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < users; i++) {
                String user = "p-" + i;
                reads.add(CompletableFuture.supplyAsync(() -> policies.loadUser(user), r -> Thread.ofVirtual().start(r)));
            }
        }
        for (int k = 0; k < reads.size(); k++) {
            assertThat(reads.get(k).get(30, TimeUnit.SECONDS)).isEqualTo(expected(k % users));
        }
    }
}
