package io.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.http.RunningSidecar;
import io.tollgate.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line against a running sidecar: every command, its output, and the exit codes scripts test. */
class CliTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder().set("tollgate.ledger.flush-interval", "200ms").build();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }
    }

    private static Run run(String... args) {
        return runWith(Map.of("TOLLGATE_URL", "http://127.0.0.1:" + SIDECAR.tollgate().adminPort(),
                "TOLLGATE_API_URL", "http://127.0.0.1:" + SIDECAR.port(), "TOLLGATE_ADMIN_TOKEN", SIDECAR.adminToken()), args);
    }

    private static Run runWith(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void usersSetChangesOnlyWhatIsGiven() {
        Run set = run("users", "set", "cli-alice", "--tier", "pro");
        assertThat(set.code()).as("%s", set).isZero();
        assertThat(set.out()).contains("tier:").contains("pro");
        assertThat(run("users", "set", "cli-alice", "--multiplier", "2", "--time-zone", "Europe/Berlin").code()).isZero();
        JsonNode shown = run("users", "show", "cli-alice", "--json").json();
        assertThat(shown.path("tier").asText()).isEqualTo("pro");
        assertThat(shown.path("multiplier").asDouble()).isEqualTo(2.0);
        assertThat(shown.path("billing_time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(run("users", "set", "cli-alice", "--billing-anchor-day", "15").code()).isZero();
        assertThat(run("users", "show", "cli-alice", "--json").json().path("billing_anchor_day").asInt()).isEqualTo(15);
    }

    @Test
    void limitsOfAUserAUserOnAnApiAndAnApi() {
        assertThat(run("limits", "set", "minute", "2", "--user", "cli-lim").code()).isZero();
        assertThat(run("acquire", "cli-lim", "search").code()).isZero();
        assertThat(run("check", "cli-lim", "search").code()).isZero();
        assertThat(run("acquire", "cli-lim", "search").code()).isZero();
        Run denied = run("acquire", "cli-lim", "search");
        assertThat(denied.code()).as("a denial is exit 1: %s", denied).isEqualTo(Cli.REFUSED);
        assertThat(denied.out()).contains("denied_rate");
        assertThat(run("check", "cli-lim", "search").code()).isEqualTo(Cli.REFUSED);
        Run listing = run("limits", "show", "--user", "cli-lim");
        assertThat(listing.out()).contains("SCOPE").contains("WINDOW").contains("minute");
        assertThat(run("limits", "delete", "minute", "--user", "cli-lim").code()).isZero();

        assertThat(run("limits", "set", "hour", "7", "--user", "cli-lim", "--api", "maps").code()).isZero();
        assertThat(run("users", "show", "cli-lim", "--json").json().path("api_limits").path("maps").path("hour").asLong())
                .isEqualTo(7);
        assertThat(run("limits", "delete", "hour", "--user", "cli-lim", "--api", "maps").code()).isZero();

        assertThat(run("limits", "set", "day", "500", "--api", "cli-global").code()).isZero();
        assertThat(run("limits", "show", "--api", "cli-global", "--json").json().path("global_limits").path("day").asLong())
                .isEqualTo(500);
        assertThat(run("limits", "delete", "day", "--api", "cli-global").code()).isZero();
        assertThat(run("limits", "show", "--api", "cli-global", "--json").json().path("global_limits").size()).isZero();
    }

    @Test
    void quotasAndReset() {
        assertThat(run("quotas", "set", "cli-q", "--requests", "5").code()).isZero();
        JsonNode user = run("users", "show", "cli-q", "--json").json();
        assertThat(user.path("quota").path("requests").asLong()).isEqualTo(5);
        assertThat(user.path("quota").path("bandwidth_bytes").asLong()).as("kept from the tier").isPositive();
        assertThat(run("acquire", "cli-q", "search", "--cost", "2", "--request-id", "r1").code()).isZero();
        assertThat(run("quotas", "show", "cli-q").out()).contains("METER").contains("requests");
        assertThat(run("reset", "cli-q", "--json").json().path("reset").asBoolean()).isTrue();
        assertThat(run("quotas", "delete", "cli-q").code()).isZero();
        assertThat(run("users", "show", "cli-q", "--json").json().path("custom_quota").asBoolean()).isFalse();
    }

    @Test
    void clusterLedgerAndWebhooks() throws Exception {
        Run members = run("cluster", "members");
        assertThat(members.code()).isZero();
        assertThat(members.out()).contains("ADDRESS").contains("LOCAL").contains("true");
        assertThat(run("cluster", "owner", "cli-owner", "--json").json().has("partition")).isTrue();

        assertThat(run("acquire", "cli-ledger", "search").code()).isZero();
        assertThat(run("ledger", "flush", "--json").json().has("applied_batches")).isTrue();
        assertThat(run("ledger", "status", "--json").json().has("backlog_users")).isTrue();
        assertThat(run("ledger", "reconcile", "--json").json().has("consistent")).isTrue();
        JsonNode totals = run("ledger", "totals", "cli-ledger", "--json").json();
        String periodStart = totals.path("period_start").asText();
        assertThat(run("ledger", "adjust", "--user", "cli-ledger", "--api", "search", "--period-start", periodStart,
                "--reason", "goodwill", "--requests", "-1").code()).isZero();
        Run export = run("ledger", "export", "--period-start", periodStart);
        assertThat(export.code()).as("%s", export).isZero();
        assertThat(export.out()).contains("\"type\":\"header\"").contains("\"type\":\"trailer\"");
        Path csv = Files.createTempFile("tollgate-export", ".csv");
        assertThat(run("ledger", "export", "--period-start", periodStart, "--format", "csv", "-o", csv.toString()).code())
                .isZero();
        assertThat(Files.readString(csv)).contains("user_id,api_id,tier");

        assertThat(run("webhooks", "list").code()).isZero();
        assertThat(run("webhooks", "list", "--json").json().has("webhooks")).isTrue();
    }

    @Test
    void exitCodesScriptsCanTest(@TempDir Path dir) throws Exception {
        Run refused = run("users", "set", "cli-bad", "--tier", "platinum");
        assertThat(refused.code()).isEqualTo(Cli.REFUSED);
        assertThat(refused.err()).contains("400").contains("tier");

        assertThat(run("no-such-command").code()).isEqualTo(Cli.USAGE);
        assertThat(run("users", "show").code()).as("missing USER").isEqualTo(Cli.USAGE);
        assertThat(run("limits", "set", "minute", "3").code()).as("neither --user nor --api").isEqualTo(Cli.USAGE);
        assertThat(run("users", "set", "cli-x").code()).as("nothing to set").isEqualTo(Cli.USAGE);

        Run unreachable = runWith(Map.of(), "--url", "http://127.0.0.1:" + Ports.free(), "cluster", "members");
        assertThat(unreachable.code()).as("%s", unreachable).isEqualTo(Cli.UNREACHABLE);

        String wrong = "wrong-token-" + System.nanoTime();
        Run badToken = runWith(Map.of("TOLLGATE_ADMIN_TOKEN", wrong), "--url", "http://127.0.0.1:" + SIDECAR.tollgate().adminPort(),
                "cluster", "members");
        assertThat(badToken.code()).isEqualTo(Cli.REFUSED);
        assertThat(badToken.err()).contains("401");
        assertThat(badToken.out() + badToken.err()).as("the token is never echoed").doesNotContain(wrong);

        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, SIDECAR.adminToken() + "\n");
        Run withFile = runWith(Map.of(), "--url", "http://127.0.0.1:" + SIDECAR.tollgate().adminPort(), "--token-file",
                tokenFile.toString(), "cluster", "members", "--json");
        assertThat(withFile.code()).as("%s", withFile).isZero();
        assertThat(withFile.out() + withFile.err()).doesNotContain(SIDECAR.adminToken());
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Cli.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run help = run(args.toArray(String[]::new));
            assertThat(help.code()).as("%s --help", path).isZero();
            assertThat(help.out()).as("%s --help", path).contains("Usage:");
        }
    }

    private static void collect(CommandLine line, List<String> prefix, List<List<String>> out) {
        out.add(prefix);
        line.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new ArrayList<>(prefix);
                next.add(name);
                collect(sub, next, out);
            }
        });
    }

    @Test
    void completionScriptIsGenerated() {
        Run completion = run("completion");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("complete -F").contains("ledger").contains("--token-file");
    }
}
