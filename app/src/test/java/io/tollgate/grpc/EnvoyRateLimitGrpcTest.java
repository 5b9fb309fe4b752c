package io.tollgate.grpc;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tollgate.http.Reply;
import io.tollgate.http.RunningSidecar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.tollgate.grpc.EnvoyClient.descriptor;
import static io.tollgate.grpc.EnvoyClient.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit on a running sidecar, called by a client built
 * from Envoy's own generated API: limits, all or nothing across descriptors, idempotency, refused descriptors
 * and domains. The failure policy is {@link EnvoyFailurePolicyGrpcTest}'s.
 */
class EnvoyRateLimitGrpcTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().build();

    private static EnvoyClient client;

    @BeforeAll
    static void connect() {
        client = new EnvoyClient(SIDECAR.tollgate().grpcPort());
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    private static RateLimitResponse call(RateLimitDescriptor... descriptors) {
        return client.shouldRateLimit(request("tollgate", descriptors));
    }

    @Test
    void freeUserGetsTenPerMinuteThenOverLimit() {
        for (int i = 1; i <= 10; i++) {
            RateLimitResponse r = call(descriptor("user_id", "g-free", "api_id", "search"));
            assertThat(r.getOverallCode()).as("call %d", i).isEqualTo(Code.OK);
            assertThat(r.getStatusesCount()).isEqualTo(1);
            RateLimitResponse.DescriptorStatus s = r.getStatuses(0);
            assertThat(s.getCode()).isEqualTo(Code.OK);
            assertThat(s.getCurrentLimit().getRequestsPerUnit()).isEqualTo(10);
            assertThat(s.getCurrentLimit().getUnit()).isEqualTo(RateLimitResponse.RateLimit.Unit.MINUTE);
            assertThat(s.getLimitRemaining()).isEqualTo(10 - i);
            assertThat(s.getDurationUntilReset().getSeconds()).isBetween(0L, 62L);
            Map<String, String> headers = EnvoyClient.headers(r);
            assertThat(headers).containsEntry("X-RateLimit-Limit", "10")
                    .containsEntry("X-RateLimit-Remaining", Integer.toString(10 - i))
                    .doesNotContainKey("Retry-After");
        }
        RateLimitResponse denied = call(descriptor("user_id", "g-free", "api_id", "search"));
        assertThat(denied.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(denied.getStatuses(0).getCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(denied.getStatuses(0).getLimitRemaining()).isZero();
        assertThat(EnvoyClient.headers(denied)).containsKey("Retry-After").containsEntry("X-RateLimit-Remaining", "0");
        assertThat(SIDECAR.used("g-free", "minute")).as("the same counters as the JSON API").isEqualTo(10);
    }

    @Test
    void hitsAddendIsTheCost() {
        RateLimitDescriptor d = RateLimitDescriptor.newBuilder(descriptor("user_id", "g-cost", "api_id", "search"))
                .setHitsAddend(com.google.protobuf.UInt64Value.of(4)).build();
        assertThat(call(d).getStatuses(0).getLimitRemaining()).isEqualTo(6);
        RateLimitRequest requestWide = RateLimitRequest.newBuilder(request("tollgate",
                descriptor("user_id", "g-cost", "api_id", "search"))).setHitsAddend(3).build();
        assertThat(client.shouldRateLimit(requestWide).getStatuses(0).getLimitRemaining()).isEqualTo(3);
        assertThat(SIDECAR.used("g-cost", "minute")).isEqualTo(7);
    }

    @Test
    void severalDescriptorsAreAllOrNothing() {
        String api = "g-aon-api";
        assertThat(SIDECAR.admin("PUT", "/admin/users/g-aon-b/limits/minute", Map.of("limit", 1)).status()).isEqualTo(200);
        assertThat(SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/minute", Map.of("limit", 100)).status()).isEqualTo(200);
        RateLimitResponse first = call(descriptor("user_id", "g-aon-a", "api_id", api),
                descriptor("user_id", "g-aon-b", "api_id", api));
        assertThat(first.getOverallCode()).isEqualTo(Code.OK);
        assertThat(first.getStatusesList()).extracting(RateLimitResponse.DescriptorStatus::getCode)
                .containsExactly(Code.OK, Code.OK);
        // g-aon-b has no unit left: the whole request is over the limit, and what g-aon-a took is given back.
        RateLimitResponse second = call(descriptor("user_id", "g-aon-a", "api_id", api),
                descriptor("user_id", "g-aon-b", "api_id", api), descriptor("user_id", "g-aon-c", "api_id", api));
        assertThat(second.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(second.getStatusesList()).extracting(RateLimitResponse.DescriptorStatus::getCode)
                .containsExactly(Code.OK, Code.OVER_LIMIT, Code.UNKNOWN);
        assertThat(SIDECAR.used("g-aon-a", "minute")).as("the denied request took nothing from g-aon-a").isEqualTo(1);
        assertThat(SIDECAR.used("g-aon-c", "minute")).as("g-aon-c was not decided").isZero();
        Reply global = SIDECAR.get("/api/rate-limits/" + api + "?user_id=g-aon-a");
        long globalUsed = -1;
        for (var row : global.field("limits")) {
            if ("api".equals(row.path("scope").asText())) {
                globalUsed = row.path("used").asLong();
            }
        }
        assertThat(globalUsed).as("the API's global window got its units back: %s", global).isEqualTo(2);
    }

    @Test
    void apiOnlyDescriptorIsTheGlobalLimit() {
        String api = "g-global-api";
        assertThat(SIDECAR.admin("PUT", "/admin/apis/" + api + "/limits/minute", Map.of("limit", 2)).status()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            RateLimitResponse r = call(descriptor("api_id", api));
            assertThat(r.getOverallCode()).isEqualTo(Code.OK);
            assertThat(r.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(2);
        }
        assertThat(call(descriptor("api_id", api)).getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        // The global limit also holds for users' calls of that API.
        assertThat(call(descriptor("user_id", "g-global-user", "api_id", api)).getOverallCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(call(descriptor("api_id", "g-unlimited-api")).getOverallCode()).isEqualTo(Code.OK);
    }

    @Test
    void requestIdMakesItIdempotent() {
        RateLimitDescriptor d = descriptor("user_id", "g-idem", "api_id", "search", "request_id", "op-1");
        RateLimitResponse first = call(d);
        RateLimitResponse again = call(d);
        assertThat(first.getOverallCode()).isEqualTo(Code.OK);
        assertThat(again.getOverallCode()).isEqualTo(Code.OK);
        assertThat(SIDECAR.used("g-idem", "minute")).as("a retry counts once").isEqualTo(1);
        call(descriptor("user_id", "g-idem", "api_id", "search", "request_id", "op-2"));
        assertThat(SIDECAR.used("g-idem", "minute")).isEqualTo(2);
    }

    @Test
    void callsAreCountedInMetricsByStatusCode() {
        call(descriptor("user_id", "g-metrics", "api_id", "search"));
        assertThatThrownBy(() -> client.shouldRateLimit(request("elsewhere", descriptor("api_id", "a"))));
        String metrics = SIDECAR.get("/metrics").text();
        String method = "method=\"envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit\"";
        assertThat(metrics.lines().filter(l -> l.startsWith("tollgate_grpc_requests_total") && l.contains(method)))
                .anyMatch(l -> l.contains("code=\"OK\""))
                .anyMatch(l -> l.contains("code=\"INVALID_ARGUMENT\""));
        assertThat(metrics).contains("tollgate_grpc_request_duration_seconds_count{");
        assertThat(metrics.lines().filter(l -> l.startsWith("tollgate_decisions_total") && l.contains("kind=\"acquire\"")))
                .as("decisions over gRPC are counted as over HTTP").isNotEmpty();
    }

    @Test
    void unknownDomainIsInvalidArgument() {
        assertInvalid(request("other", descriptor("user_id", "g-dom", "api_id", "search")), "domain 'other'");
    }

    @Test
    void descriptorsThatCannotBeMappedAreInvalidArgument() {
        assertInvalid(request("tollgate"), "no descriptors");
        assertInvalid(request("tollgate", descriptor("user_id", "g-bad")), "no 'api_id' entry");
        assertInvalid(request("tollgate", descriptor("user_id", "g-bad", "api_id", "a", "remote_address", "1.2.3.4")),
                "unknown entry key 'remote_address'");
        assertInvalid(request("tollgate", descriptor("user_id", "g-bad", "user_id", "x", "api_id", "a")), "twice");
        assertInvalid(request("tollgate", descriptor("user_id", "", "api_id", "a")), "must not be empty");
        assertInvalid(request("tollgate", RateLimitDescriptor.newBuilder(descriptor("user_id", "g-bad", "api_id", "a"))
                .setHitsAddend(com.google.protobuf.UInt64Value.of(2_000_000)).build()), "hits_addend");
        assertInvalid(request("tollgate", descriptor("user_id", "g-ok", "api_id", "a"), descriptor("api_id", "b",
                "request_id", "r")), "descriptor 1");
        assertThat(SIDECAR.used("g-ok", "minute")).as("a refused request decides nothing").isZero();
    }

    private static void assertInvalid(RateLimitRequest request, String message) {
        assertThatThrownBy(() -> client.shouldRateLimit(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(message);
                });
    }
}
