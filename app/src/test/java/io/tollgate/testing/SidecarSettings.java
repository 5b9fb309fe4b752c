package io.tollgate.testing;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.tollgate.Tollgate;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one way tests start {@link Tollgate} in this JVM: HTTP on an ephemeral port, a cluster of its own
 * on a free port, the given PostgreSQL database, and whatever the test sets on top. Later values win, so
 * a test can override any default below.
 *
 * <p>The configuration is the shipped application.yaml under these values; environment variables and
 * system properties are ignored so a developer's TOLLGATE_* settings cannot leak into a test.
 */
public final class SidecarSettings {
    private final Map<String, String> values = new HashMap<>();
    private final int clusterPort = Ports.free();

    private SidecarSettings(String databaseUrl) {
        values.put("server.port", "0");
        values.put("server.host", "127.0.0.1");
        values.put("tollgate.admin.port", "0");
        // Needed as soon as a test lists more than one member (withAbsentPeer, several sidecars in one JVM).
        values.put("tollgate.cluster.secret", "test-cluster-secret-of-at-least-32-characters");
        values.put("tollgate.grpc.port", "0");
        // A name of its own, so that this member can never merge with another test's.
        values.put("tollgate.cluster.name", "tollgate-test-" + UUID.randomUUID());
        values.put("tollgate.cluster.port", Integer.toString(clusterPort));
        values.put("tollgate.cluster.members", "127.0.0.1:" + clusterPort);
        values.put("tollgate.db.url", databaseUrl);
        values.put("tollgate.db.user", TestDatabase.USER);
        // 200 ms in production: the build machine is small and shared, and a slow first call answered by
        // the failure policy would make the tests' counts flaky. Tests of the timeout set their own.
        values.put("tollgate.decision.timeout", "2s");
    }

    public static SidecarSettings forDatabase(String databaseUrl) {
        return new SidecarSettings(databaseUrl);
    }

    /** The bearer token admin calls must send; empty leaves admin endpoints answering 403. */
    public SidecarSettings adminToken(String token) {
        return set("tollgate.admin.token", token);
    }

    /**
     * Lists a second member address where nothing listens, so this member alone is a minority of the
     * configured cluster and every counter write is refused (split-brain protection).
     */
    public SidecarSettings withAbsentPeer() {
        return set("tollgate.cluster.members", "127.0.0.1:" + clusterPort + ",127.0.0.1:" + Ports.free());
    }

    public SidecarSettings set(String key, String value) {
        values.put(key, value);
        return this;
    }

    public SidecarSettings setAll(Map<String, String> more) {
        values.putAll(more);
        return this;
    }

    public Tollgate start() {
        Config config = Config.builder()
                .sources(ConfigSources.create(values), ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return Tollgate.start(config);
    }
}
