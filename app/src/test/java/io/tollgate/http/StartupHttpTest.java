package io.tollgate.http;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The first calls a sidecar gets, right after Tollgate.start returned (when Main prints TOLLGATE READY). */
class StartupHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().withoutWarmUp()
            // Slowness of a cold JVM must not count here: only a refusal can answer failure_closed in 30 s.
            .set("tollgate.decision.timeout", "30s").build();

    @Disabled("bug: a freshly started single member answers its first acquires (about 1 s) with 503 failure_closed:"
            + " Hazelcast's split-brain protection 'tollgate-majority' is INITIAL until the first membership"
            + " evaluation, so every counter write is refused, while /health/ready already says UP; fix proposed in"
            + " PROPOSED-FIXES.md (wait for hasMinimumSize() before serving; readiness uses it)")
    @Test
    void theFirstAcquireIsDecidedByTheCluster() {
        assertThat(SIDECAR.writesAcceptedAtStart())
                .as("split-brain protection satisfied when Tollgate.start returned (one configured member)").isTrue();
        Reply first = SIDECAR.firstAcquire();
        assertThat(first.status()).as("first acquire after start: %s", first).isEqualTo(200);
        assertThat(first.textField("outcome")).isEqualTo("allowed");
        assertThat(SIDECAR.get("/health/ready").status()).isEqualTo(200);
    }
}
