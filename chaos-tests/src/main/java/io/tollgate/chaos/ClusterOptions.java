package io.tollgate.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How to start a cluster: size, the sidecar settings the scenarios vary (decision timeout, failure policy, ledger
 * flush interval), any extra environment, and where PostgreSQL is. Defaults: three members, a fresh database on the
 * shared server, a random cluster name (so concurrent runs never meet), 200 ms decision timeout, fail closed.
 */
public final class ClusterOptions {

    int size = 3;
    String clusterName = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    String adminToken = "chaos-admin-" + UUID.randomUUID();
    /** The members' shared cluster secret (a stranger test starts a member without it). */
    String clusterSecret = "chaos-cluster-" + UUID.randomUUID();
    Duration decisionTimeout = Duration.ofMillis(200);
    String onFailure = "closed";
    Duration flushInterval = Duration.ofSeconds(1);
    Duration readyDeadline = Duration.ofSeconds(240); // a loaded 2-core CI machine has needed more than 120 s
    final Map<String, String> environment = new LinkedHashMap<>();
    PrivatePostgres privatePostgres;
    boolean networkNamespaces;
    String namePrefix = "member";

    public static ClusterOptions defaults() {
        return new ClusterOptions();
    }

    public ClusterOptions size(int n) {
        this.size = n;
        return this;
    }

    public ClusterOptions clusterName(String name) {
        this.clusterName = name;
        return this;
    }

    public ClusterOptions decisionTimeout(Duration d) {
        this.decisionTimeout = d;
        return this;
    }

    public ClusterOptions onFailure(String policy) {
        this.onFailure = policy;
        return this;
    }

    public ClusterOptions flushInterval(Duration d) {
        this.flushInterval = d;
        return this;
    }

    public ClusterOptions env(String key, String value) {
        environment.put(key, value);
        return this;
    }

    /** Members use this private server instead of a fresh database on the shared one (outage scenarios). */
    public ClusterOptions privatePostgres(PrivatePostgres pg) {
        this.privatePostgres = pg;
        return this;
    }

    /** Each member in its own network namespace, so links can be cut (partition scenarios). */
    public ClusterOptions inNetworkNamespaces() {
        this.networkNamespaces = true;
        return this;
    }

    public ClusterOptions namePrefix(String prefix) {
        this.namePrefix = prefix;
        return this;
    }

    public String clusterSecret() {
        return clusterSecret;
    }

    public String adminToken() {
        return adminToken;
    }

    public String clusterName() {
        return clusterName;
    }

    public Duration decisionTimeout() {
        return decisionTimeout;
    }

    public Duration flushInterval() {
        return flushInterval;
    }
}
