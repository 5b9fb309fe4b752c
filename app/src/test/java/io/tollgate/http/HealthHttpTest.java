package io.tollgate.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** /health/live and /health/ready of a healthy single-member sidecar. */
class HealthHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    @Test
    void liveness() {
        Reply r = SIDECAR.get("/health/live");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.textField("status")).isEqualTo("UP");
    }

    @Test
    void readinessReportsClusterAndDatabaseUp() {
        Reply r = SIDECAR.get("/health/ready");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.textField("status")).isEqualTo("UP");
        assertThat(r.field("checks").path("cluster").path("status").asText()).isEqualTo("UP");
        assertThat(r.field("checks").path("cluster").path("members").asInt()).isEqualTo(1);
        assertThat(r.field("checks").path("database").path("status").asText()).isEqualTo("UP");
        assertThat(r.field("checks").path("memory").path("status").asText()).isEqualTo("UP");
        assertThat(r.field("checks").path("memory").path("ceiling").asDouble()).isEqualTo(0.8);
    }

    @Test
    void unknownPathOrMethodIs404Json() {
        for (Reply r : new Reply[] {SIDECAR.get("/api/nothing-here"), SIDECAR.get("/admin-nothing"),
                SIDECAR.send(SIDECAR.request("/api/rate-limits/acquire").header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")))}) {
            assertThat(r.status()).as("%s", r).isEqualTo(404);
            assertThat(r.json()).as("JSON: %s", r).isNotNull();
            assertThat(r.textField("error")).isEqualTo("not_found");
        }
    }
}
