package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/rate-limits/acquire against a real sidecar: counts, body fields, headers, cost, independence. */
class AcquireHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    @Test
    void freeUserGetsExactlyTenPerMinuteThenDenied() {
        String user = "acq-free";
        long before = Instant.now().getEpochSecond();
        for (int i = 1; i <= 10; i++) {
            Reply r = SIDECAR.acquire(user, "search");
            assertThat(r.status()).as("acquire %d: %s", i, r).isEqualTo(200);
            assertThat(r.allowed()).isTrue();
            assertThat(r.textField("outcome")).isEqualTo("allowed");
            assertThat(r.longField("limit")).isEqualTo(10);
            assertThat(r.longField("remaining")).as("remaining after %d", i).isEqualTo(10 - i);
            assertThat(r.longField("reset_at")).isGreaterThan(before).isLessThanOrEqualTo(before + 63);
            assertThat(r.longField("retry_after_seconds")).isZero();
            assertThat(r.textField("scope")).isEqualTo("user");
            assertThat(r.textField("window")).isEqualTo("minute");
            assertThat(r.textField("tier")).isEqualTo("free");
            assertThat(r.header("X-RateLimit-Limit")).hasValue("10");
            assertThat(r.header("X-RateLimit-Remaining")).hasValue(Long.toString(10 - i));
            assertThat(r.header("X-RateLimit-Reset")).hasValue(Long.toString(r.longField("reset_at")));
            assertThat(r.header("Retry-After")).as("no Retry-After when allowed").isEmpty();
        }
        // The minute window is 40 sub-buckets of 1.5 s (SlidingWindow): a unit blocks its slot for at most
        // 61.5 s, so the wait is at most 62 whole seconds.
        for (int i = 0; i < 3; i++) {
            Reply denied = SIDECAR.acquire(user, "search");
            assertThat(denied.status()).as("denied: %s", denied).isEqualTo(429);
            assertThat(denied.allowed()).isFalse();
            assertThat(denied.textField("outcome")).isEqualTo("denied_rate");
            assertThat(denied.longField("limit")).isEqualTo(10);
            assertThat(denied.longField("remaining")).isZero();
            assertThat(denied.longField("reset_at")).isGreaterThan(before);
            assertThat(denied.longField("retry_after_seconds")).isBetween(1L, 62L);
            assertThat(denied.textField("scope")).isEqualTo("user");
            assertThat(denied.textField("window")).isEqualTo("minute");
            assertThat(denied.textField("tier")).isEqualTo("free");
            assertThat(denied.header("Retry-After")).hasValue(Long.toString(denied.longField("retry_after_seconds")));
            assertThat(denied.header("X-RateLimit-Limit")).hasValue("10");
            assertThat(denied.header("X-RateLimit-Remaining")).hasValue("0");
        }
        assertThat(SIDECAR.used(user, "minute")).as("denials consume nothing").isEqualTo(10);
    }

    @Test
    void costConsumesThatManyUnits() {
        String user = "acq-cost";
        Reply r = SIDECAR.acquire(user, "search", 3);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.longField("remaining")).isEqualTo(7);
        assertThat(r.longField("cost")).isEqualTo(3);
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(3);
        assertThat(SIDECAR.used(user, "hour")).isEqualTo(3);
        assertThat(SIDECAR.used(user, "day")).isEqualTo(3);
    }

    @Test
    void costAboveRemainingIsDeniedAndConsumesNothing() {
        String user = "acq-cost-over";
        assertThat(SIDECAR.acquire(user, "search", 8).status()).isEqualTo(200);
        Reply over = SIDECAR.acquire(user, "search", 3);
        assertThat(over.status()).as("%s", over).isEqualTo(429);
        assertThat(over.textField("outcome")).isEqualTo("denied_rate");
        assertThat(over.longField("remaining")).isEqualTo(2);
        assertThat(over.header("Retry-After")).isPresent();
        assertThat(SIDECAR.used(user, "minute")).isEqualTo(8);
        assertThat(SIDECAR.used(user, "hour")).as("no window consumed by a denial").isEqualTo(8);

        Reply one = SIDECAR.acquire(user, "search", 1);
        assertThat(one.status()).as("the 2 units left are still there: %s", one).isEqualTo(200);
        assertThat(one.longField("remaining")).isEqualTo(1);
        assertThat(SIDECAR.acquire(user, "search", 1).status()).isEqualTo(200);
        assertThat(SIDECAR.acquire(user, "search", 1).status()).isEqualTo(429);
    }

    @Test
    void costAboveTheLimitItselfIsDenied() {
        Reply r = SIDECAR.acquire("acq-cost-huge", "search", 11);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.longField("retry_after_seconds")).isPositive();
        assertThat(SIDECAR.used("acq-cost-huge", "minute")).isZero();
    }

    @Test
    void twoUsersAreIndependent() {
        for (int i = 0; i < 10; i++) {
            assertThat(SIDECAR.acquire("acq-indep-a", "search").status()).isEqualTo(200);
        }
        assertThat(SIDECAR.acquire("acq-indep-a", "search").status()).isEqualTo(429);
        Reply b = SIDECAR.acquire("acq-indep-b", "search");
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.longField("remaining")).isEqualTo(9);
        assertThat(SIDECAR.used("acq-indep-b", "minute")).isEqualTo(1);
    }

    @Test
    void userLimitIsSharedAcrossApis() {
        String user = "acq-apis";
        for (int i = 0; i < 5; i++) {
            assertThat(SIDECAR.acquire(user, "search").status()).isEqualTo(200);
            assertThat(SIDECAR.acquire(user, "upload").status()).isEqualTo(200);
        }
        assertThat(SIDECAR.acquire(user, "other").status()).isEqualTo(429);
    }

    @Test
    void answersEchoTheirIds() {
        Reply r = SIDECAR.post("/api/rate-limits/acquire",
                Map.of("user_id", "acq-echo", "api_id", "search", "request_id", "echo-1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.textField("user_id")).isEqualTo("acq-echo");
        assertThat(r.textField("api_id")).isEqualTo("search");
        assertThat(r.textField("request_id")).isEqualTo("echo-1");
        assertThat(r.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }
}
