package io.tollgate.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings.from: documented defaults, duration syntax, and start-up errors that name the key and the value. */
class SettingsTest {

    private static Settings from(Map<String, String> values) {
        return Settings.from(Config.just(ConfigSources.create(values)));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.from(Config.empty());
        assertThat(s.serverPort()).isEqualTo(8080);
        assertThat(s.serverHost()).isEqualTo("127.0.0.1");
        assertThat(s.clusterName()).isEqualTo("tollgate");
        assertThat(s.clusterPort()).isEqualTo(5701);
        assertThat(s.clusterInterface()).isEqualTo("127.0.0.1");
        assertThat(s.clusterMembers()).containsExactly("127.0.0.1:5701");
        assertThat(s.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.dbUrl()).isEmpty();
        assertThat(s.embeddedDb()).isTrue();
        assertThat(s.dbUser()).isEqualTo("postgres");
        assertThat(s.adminToken()).as("no token: admin answers 403").isEmpty();
        assertThat(s.decisionTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.onFailure()).isEqualTo(Settings.FailurePolicy.CLOSED);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.policyCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.maxBodyBytes()).isEqualTo(65536);
        assertThat(s.memoryCeiling()).isEqualTo(0.8);
        assertThat(s.adminHost()).isEqualTo("127.0.0.1");
        assertThat(s.adminPort()).isEqualTo(9901);
        assertThat(s.allowedHosts()).containsExactly("localhost", "127.0.0.1", "[::1]");
        assertThat(s.httpLimits()).isEqualTo(new Settings.HttpLimits(2048, 1024, Duration.ofSeconds(10),
                Duration.ofSeconds(60), 16));
    }

    @Test
    void tokensShorterThan32CharactersStopTheStartWithoutEchoingThem() {
        for (String key : new String[] {"tollgate.admin.token", "tollgate.events.token"}) {
            assertThatThrownBy(() -> from(Map.of(key, "short-secret-value")))
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining(key).hasMessageContaining("32")
                    .hasMessageNotContaining("short-secret-value");
        }
        assertThat(from(Map.of("tollgate.admin.token", "a".repeat(32))).adminToken()).hasSize(32);
    }

    @Test
    void theEventsTokenIsTheAdminTokenUnlessSetAndSecretsStayOutOfToString() {
        String admin = "admin-".repeat(6);
        String events = "events-".repeat(6);
        assertThat(from(Map.of("tollgate.admin.token", admin)).effectiveEventsToken()).isEqualTo(admin);
        Settings both = from(Map.of("tollgate.admin.token", admin, "tollgate.events.token", events));
        assertThat(both.effectiveEventsToken()).isEqualTo(events);
        assertThat(both.toString()).doesNotContain(admin).doesNotContain(events);
    }

    @Test
    void allowedHostsAreNamesWithoutPorts() {
        assertThat(from(Map.of("tollgate.http.allowed-hosts", "Sidecar.Local, 127.0.0.1")).allowedHosts())
                .containsExactly("sidecar.local", "127.0.0.1");
        for (String bad : new String[] {"localhost:8080", "http://localhost", " , "}) {
            assertThatThrownBy(() -> from(Map.of("tollgate.http.allowed-hosts", bad)))
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("tollgate.http.allowed-hosts");
        }
    }

    @Test
    void theAdminListenerNeedsAPortOfItsOwn() {
        assertThatThrownBy(() -> from(Map.of("server.port", "9000", "tollgate.admin.port", "9000")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("tollgate.admin.port");
    }

    @Test
    void shippedApplicationYamlSaysWhatTheCodeDefaultsSay() {
        Settings fromYaml = Settings.from(Config.just(ConfigSources.classpath("application.yaml")));
        assertThat(fromYaml).isEqualTo(Settings.from(Config.empty()));
    }

    @Test
    void valuesAreRead() {
        Settings s = from(Map.of(
                "server.port", "0",
                "tollgate.cluster.port", "5802",
                "tollgate.cluster.members", " 127.0.0.1:5802, localhost:5803 ,",
                "tollgate.cluster.secret", "cluster-secret-of-32-characters-or-more",
                "tollgate.db.url", "jdbc:postgresql://127.0.0.1:5432/x",
                "tollgate.admin.token", "secret-admin-token-of-32-characters-or-more",
                "tollgate.decision.timeout", "1s",
                "tollgate.decision.on-failure", "OPEN",
                "tollgate.cluster.heartbeat-timeout", "7s",
                "tollgate.memory.ceiling", "0.95"));
        assertThat(s.serverPort()).isZero();
        assertThat(s.clusterPort()).isEqualTo(5802);
        assertThat(s.clusterMembers()).containsExactly("127.0.0.1:5802", "localhost:5803");
        assertThat(s.embeddedDb()).isFalse();
        assertThat(s.adminToken()).isEqualTo("secret-admin-token-of-32-characters-or-more");
        assertThat(s.decisionTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.onFailure()).isEqualTo(Settings.FailurePolicy.OPEN);
        assertThat(s.clusterHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.memoryCeiling()).isEqualTo(0.95);
        assertThat(s.embeddedDbDir()).isEqualTo(Path.of("target/tollgate-data/postgres"));
    }

    /** TOLLGATE_DECISION_ON_FAILURE maps to tollgate.decision.on.failure in Helidon's environment mapping. */
    @Test
    void onFailureIsAlsoReadFromTheEnvironmentVariableSpelling() {
        assertThat(from(Map.of("tollgate.decision.on.failure", "open")).onFailure())
                .isEqualTo(Settings.FailurePolicy.OPEN);
    }

    @ParameterizedTest
    @CsvSource({"200ms,200", "1s,1000", "PT2S,2000", "pt0.5s,500", "5m,300000", "24h,86400000", "2d,172800000"})
    void durationsParse(String text, long millis) {
        assertThat(Settings.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
        assertThat(from(Map.of("tollgate.decision.timeout", text)).decisionTimeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "server.port|70000",
            "server.port|-1",
            "server.port|eighty",
            "tollgate.cluster.port|65536",
            "tollgate.cluster.members|nohostport",
            "tollgate.cluster.members|127.0.0.1:",
            "tollgate.cluster.members|127.0.0.1:0",
            "tollgate.cluster.members|127.0.0.1:99999",
            "tollgate.cluster.members|127.0.0.1:57x1",
            "tollgate.cluster.members|' , '",
            "tollgate.decision.timeout|fast",
            "tollgate.decision.timeout|0ms",
            "tollgate.decision.timeout|-5s",
            "tollgate.decision.timeout|10 parsecs",
            "tollgate.decision.on-failure|maybe",
            "tollgate.ledger.flush-interval|soon",
            "tollgate.http.max-body-bytes|0",
            "tollgate.cluster.name|'  '",
            "tollgate.cluster.heartbeat-timeout|1s",
            "tollgate.cluster.heartbeat-timeout|2500ms",
            "tollgate.memory.ceiling|0",
            "tollgate.memory.ceiling|1.5",
            "tollgate.memory.ceiling|-0.2",
            "tollgate.memory.ceiling|NaN",
            "tollgate.memory.ceiling|80%",
    })
    void badValuesStopTheStartNamingKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> from(Map.of(key, value)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value.trim());
    }

    @Test
    void theMessageIsReadable() {
        assertThatThrownBy(() -> from(Map.of("server.port", "70000")))
                .hasMessage("invalid setting server.port='70000': must be a port number 0..65535");
        assertThatThrownBy(() -> from(Map.of("tollgate.decision.on-failure", "maybe")))
                .hasMessageContaining("tollgate.decision.on-failure='maybe'")
                .hasMessageContaining("'open' or 'closed'");
    }

    @Test
    void membersListIsKeptInOrder() {
        assertThat(from(Map.of("tollgate.cluster.members", "10.0.0.1:5701,10.0.0.2:5701,10.0.0.3:5701",
                "tollgate.cluster.secret", "s".repeat(32))).clusterMembers())
                .isEqualTo(List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701"));
    }

    @Test
    void moreThanOneMemberNeedsAClusterSecretOfAtLeast32Characters() {
        for (String secret : new String[] {"", "short-cluster-secret"}) {
            assertThatThrownBy(() -> from(Map.of("tollgate.cluster.members", "10.0.0.1:5701,10.0.0.2:5701",
                    "tollgate.cluster.secret", secret)))
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("tollgate.cluster.secret")
                    .hasMessageContaining("TOLLGATE_CLUSTER_SECRET").hasMessageNotContaining("short-cluster-secret");
        }
        assertThat(from(Map.of()).clusterSecret()).as("one member: nothing to prove").isEmpty();
    }
}
