package io.tollgate.chaos;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sidecar on the embedded default database, killed with SIGKILL, leaves its embedded PostgreSQL running on the
 * data directory. Started again on the same directory it stops that orphan cleanly, starts its own server, and has
 * lost nothing: a policy written before the kill is read back after it.
 */
class EmbeddedDatabaseRestartTest {
    private static final ChaosSettings SETTINGS = ChaosSettings.fromSystemProperties();

    @Test
    void aSidecarKilledWithItsEmbeddedDatabaseRestartsAndKeepsItsData() throws Exception {
        Path dataDir = Files.createTempDirectory("tollgate-embedded-");
        int[] ports = FreePorts.take(3);
        String token = "embedded-restart-admin-token-of-32-chars";
        Map<String, String> env = new HashMap<>();
        env.put("TOLLGATE_CLUSTER_NAME", "embedded-" + System.nanoTime());
        env.put("TOLLGATE_CLUSTER_MEMBERS", "127.0.0.1:" + ports[1]);
        env.put("TOLLGATE_ADMIN_TOKEN", token);
        env.put("TOLLGATE_DB_URL", "");
        env.put("TOLLGATE_DB_EMBEDDED_dash_DIR", dataDir.toString());
        MemberConfig config = new MemberConfig("embedded-db", "127.0.0.1", ports[1], "127.0.0.1", ports[0],
                URI.create("http://127.0.0.1:" + ports[0]), ports[2], URI.create("http://127.0.0.1:" + ports[2]), null, env);
        try (MemberProcess sidecar = new MemberProcess(SETTINGS, config, token)) {
            sidecar.start();
            sidecar.awaitReady(Duration.ofMinutes(2));
            sidecar.client().admin("PUT", "/admin/users/kept-user", "{\"tier\":\"enterprise\"}");
            assertThat(Files.exists(dataDir.resolve("postmaster.pid"))).as("the embedded server runs").isTrue();

            sidecar.kill9();
            long orphan = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("the orphan outlived its sidecar")
                    .contains(true);

            sidecar.start();
            sidecar.awaitReady(Duration.ofMinutes(2));
            assertThat(sidecar.client().admin("GET", "/admin/users/kept-user", null).path("tier").asText())
                    .as("written before the kill").isEqualTo("enterprise");
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                    .as("the orphan was stopped").isFalse();
            assertThat(Files.readString(sidecar.log())).contains("left by an earlier sidecar still runs");
        }
    }
}
