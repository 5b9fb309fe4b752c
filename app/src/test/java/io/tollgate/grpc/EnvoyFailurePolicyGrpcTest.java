package io.tollgate.grpc;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tollgate.http.RunningSidecar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.tollgate.grpc.EnvoyClient.descriptor;
import static io.tollgate.grpc.EnvoyClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The failure policy over gRPC, on members that cannot decide (a minority of their configured cluster, as in
 * FailurePolicyHttpTest): fail-closed answers UNAVAILABLE, so that Envoy's failure_mode_deny decides; fail-open
 * answers OK.
 */
class EnvoyFailurePolicyGrpcTest {
    @RegisterExtension
    static final RunningSidecar CLOSED = RunningSidecar.builder().withAbsentPeer()
            .set("tollgate.decision.on-failure", "closed").set("tollgate.decision.timeout", "500ms").build();

    @RegisterExtension
    static final RunningSidecar OPEN = RunningSidecar.builder().withAbsentPeer()
            .set("tollgate.decision.on-failure", "open").set("tollgate.decision.timeout", "500ms").build();

    @Test
    void failClosedIsUnavailable() {
        try (EnvoyClient client = new EnvoyClient(CLOSED.tollgate().grpcPort())) {
            assertThatThrownBy(() -> client.shouldRateLimit(request("tollgate",
                    descriptor("user_id", "gf-closed", "api_id", "search"))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).contains("failure policy: closed");
                    });
        }
    }

    @Test
    void failOpenIsOk() {
        try (EnvoyClient client = new EnvoyClient(OPEN.tollgate().grpcPort())) {
            for (int i = 0; i < 12; i++) {
                RateLimitResponse r = client.shouldRateLimit(request("tollgate",
                        descriptor("user_id", "gf-open", "api_id", "search")));
                assertThat(r.getOverallCode()).as("call %d beyond FREE's 10", i).isEqualTo(RateLimitResponse.Code.OK);
            }
        }
    }
}
