package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tollgate.decision.on-failure, shown on members that cannot decide: each one's member list names a
 * second address where nothing listens, so it alone is a minority and split-brain protection refuses
 * every counter write. One member is configured fail-closed, the other fail-open.
 */
class FailurePolicyHttpTest {
    @RegisterExtension
    static final RunningSidecar CLOSED = RunningSidecar.builder().withAbsentPeer()
            .set("tollgate.decision.on-failure", "closed").set("tollgate.decision.timeout", "500ms").build();

    @RegisterExtension
    static final RunningSidecar OPEN = RunningSidecar.builder().withAbsentPeer()
            .set("tollgate.decision.on-failure", "open").set("tollgate.decision.timeout", "500ms").build();

    @Test
    void failClosedAnswers503AndSaysSo() {
        for (int i = 0; i < 3; i++) {
            Reply r = CLOSED.acquire("fp-closed", "search");
            assertThat(r.status()).as("%s", r).isEqualTo(503);
            assertThat(r.allowed()).isFalse();
            assertThat(r.textField("outcome")).isEqualTo("failure_closed");
            assertThat(r.textField("failure_policy")).isEqualTo("closed");
            assertThat(r.textField("message")).isNotBlank();
            assertThat(r.longField("retry_after_seconds")).isPositive();
            assertThat(r.header("Retry-After")).hasValue(Long.toString(r.longField("retry_after_seconds")));
            assertThat(r.header("X-Tollgate-Failure-Policy")).hasValue("closed");
        }
    }

    @Test
    void failClosedCheckIs200WithAllowedFalse() {
        Reply r = CLOSED.check("fp-closed-check", "search");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.allowed()).isFalse();
        assertThat(r.textField("outcome")).isEqualTo("failure_closed");
    }

    @Test
    void failOpenAllowsAndSaysSo() {
        for (int i = 0; i < 12; i++) {
            Reply r = OPEN.acquire("fp-open", "search");
            assertThat(r.status()).as("call %d beyond FREE's 10 is still let through: %s", i, r).isEqualTo(200);
            assertThat(r.allowed()).isTrue();
            assertThat(r.textField("outcome")).isEqualTo("failure_open");
            assertThat(r.textField("failure_policy")).isEqualTo("open");
            assertThat(r.header("Retry-After")).isEmpty();
            assertThat(r.header("X-Tollgate-Failure-Policy")).hasValue("open");
        }
    }

    @Test
    void readinessIs503OnAMinorityMember() {
        for (RunningSidecar sidecar : new RunningSidecar[] {CLOSED, OPEN}) {
            Reply r = sidecar.get("/health/ready");
            assertThat(r.status()).as("%s", r).isEqualTo(503);
            assertThat(r.textField("status")).isEqualTo("DOWN");
            assertThat(r.field("checks").path("cluster").path("status").asText()).isEqualTo("DOWN");
            assertThat(r.field("checks").path("cluster").path("members_needed").asInt()).isEqualTo(2);
            assertThat(r.field("checks").path("database").path("status").asText()).isEqualTo("UP");
            assertThat(sidecar.get("/health/live").status()).as("alive all the same").isEqualTo(200);
        }
    }
}
