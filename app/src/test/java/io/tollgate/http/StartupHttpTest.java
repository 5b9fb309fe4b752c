package io.tollgate.http;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The first calls a sidecar gets, right after Tollgate.start returned (when Main prints TOLLGATE READY). */
class StartupHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().withoutWarmUp().build();

    @Disabled("bug: a freshly started single member answers its first acquires (about 1 s) with 503 failure_closed:"
            + " Hazelcast's split-brain protection 'tollgate-majority' is INITIAL until the first membership"
            + " evaluation, so every counter write is refused, while /health/ready already says UP; fix proposed in"
            + " PROPOSED-FIXES.md (wait for hasMinimumSize() before serving; readiness uses it)")
    @Test
    void readyMeansDecisionsAreMadeByTheCluster() {
        Reply ready = SIDECAR.get("/health/ready");
        Reply first = SIDECAR.acquire("startup-first", "search");
        assertThat(ready.status()).as("Tollgate.start has returned: %s", ready).isEqualTo(200);
        assertThat(first.status()).as("readiness said UP, so the cluster decides: %s", first).isEqualTo(200);
        assertThat(first.textField("outcome")).isEqualTo("allowed");
        assertThat(first.longField("remaining")).isEqualTo(9);
    }
}
