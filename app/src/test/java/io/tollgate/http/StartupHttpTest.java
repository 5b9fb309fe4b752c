package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The first calls a sidecar gets, right after Tollgate.start returned (when Main prints TOLLGATE READY). */
class StartupHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().withoutWarmUp()
            // Slowness of a cold JVM must not count here: only a refusal can answer failure_closed in 30 s.
            .set("tollgate.decision.timeout", "30s").build();

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
