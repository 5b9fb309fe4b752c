package io.tollgate.grpc;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.tollgate.Tollgate;
import io.tollgate.testing.Ports;
import io.tollgate.testing.SidecarSettings;
import io.tollgate.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.tollgate.grpc.EnvoyClient.descriptor;
import static io.tollgate.grpc.EnvoyClient.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three sidecars in this JVM, one cluster of three, each with its own gRPC port: Envoys that call different
 * members share one user's limit, as callers of the JSON API do.
 */
class EnvoyThreeMembersGrpcTest {
    private static final TestDatabase DB = new TestDatabase();
    private static final List<Tollgate> MEMBERS = new ArrayList<>();
    private static final List<EnvoyClient> CLIENTS = new ArrayList<>();

    @BeforeAll
    static void startThree() {
        String name = "tollgate-test-" + UUID.randomUUID();
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        String list = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        for (int port : ports) {
            Tollgate member = SidecarSettings.forDatabase(DB.url()).set("tollgate.cluster.name", name)
                    .set("tollgate.cluster.port", Integer.toString(port)).set("tollgate.cluster.members", list).start();
            MEMBERS.add(member);
            CLIENTS.add(new EnvoyClient(member.grpcPort()));
        }
    }

    @AfterAll
    static void stop() {
        CLIENTS.forEach(EnvoyClient::close);
        for (int i = MEMBERS.size() - 1; i >= 0; i--) {
            MEMBERS.get(i).close();
        }
        DB.close();
    }

    @Test
    void eachMemberHasItsOwnGrpcPort() {
        Set<Integer> ports = new HashSet<>();
        MEMBERS.forEach(m -> ports.add(m.grpcPort()));
        assertThat(ports).hasSize(3);
    }

    @Test
    void oneUsersLimitHoldsAcrossMembers() {
        int allowed = 0;
        for (int i = 0; i < 15; i++) {
            RateLimitResponse r = CLIENTS.get(i % 3).shouldRateLimit(request("tollgate",
                    descriptor("user_id", "g3-user", "api_id", "search")));
            if (r.getOverallCode() == Code.OK) {
                allowed++;
                assertThat(r.getStatuses(0).getLimitRemaining()).as("call %d", i).isEqualTo(10 - allowed);
            }
        }
        assertThat(allowed).as("FREE's 10 per minute, whichever member Envoy asks").isEqualTo(10);
    }
}
