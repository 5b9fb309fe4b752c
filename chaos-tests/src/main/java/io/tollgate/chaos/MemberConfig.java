package io.tollgate.chaos;

import java.net.URI;
import java.util.Map;

/**
 * Everything one member is started with. {@code clusterHost}:{@code clusterPort} is its Hazelcast address (what
 * {@code TOLLGATE_CLUSTER_MEMBERS} lists), {@code httpHost}:{@code httpPort} where its HTTP server binds, and
 * {@code clientBase} where the harness reaches it (differs when the member lives in a network namespace);
 * {@code adminPort} where its admin API listens (on {@code httpHost} too) and {@code adminBase} where the harness
 * reaches that.
 * {@code environment} holds the rest of the TOLLGATE_* settings. {@code namespace} is null for the host's network.
 */
public record MemberConfig(String name, String clusterHost, int clusterPort, String httpHost, int httpPort,
                           URI clientBase, int adminPort, URI adminBase, String namespace,
                           Map<String, String> environment) {

    public String clusterAddress() {
        return clusterHost + ":" + clusterPort;
    }
}
