package io.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tollgate <command>}: the operator's command line over a sidecar's HTTP API.
 *
 * <p>Exit codes, for scripts: {@value #DONE} done (for check and acquire: allowed), {@value #REFUSED} refused by
 * the server (its message on stderr; for check and acquire: not allowed), {@value #USAGE} usage error,
 * {@value #UNREACHABLE} no sidecar answered. The admin token comes from {@code TOLLGATE_ADMIN_TOKEN} or
 * {@code --token-file} and is sent, never printed.
 */
@Command(name = "tollgate", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Talks to a Tollgate sidecar's admin and decision APIs. Without a command, java -jar tollgate.jar"
                + " serves as a sidecar.",
        subcommands = {Cli.Users.class, Cli.Limits.class, Cli.Quotas.class, Cli.Reset.class, Cli.Cluster.class,
                Cli.Ledger.class, Cli.Webhooks.class, Cli.Check.class, Cli.Acquire.class, Cli.Completion.class,
                CommandLine.HelpCommand.class})
public final class Cli {
    public static final int DONE = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    /** The sidecar the CLI talks to when neither --url nor TOLLGATE_URL names one: the local admin address. */
    public static final String DEFAULT_URL = "http://127.0.0.1:9901";
    /** Where check, acquire and the limit listings go when neither --api-url nor TOLLGATE_API_URL names it. */
    public static final String DEFAULT_API_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The sidecar's admin URL (default: $TOLLGATE_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--api-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The sidecar's decision API URL, for check, acquire and listings (default: $TOLLGATE_API_URL,"
                    + " else " + DEFAULT_API_URL + ").")
    String apiUrl;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "A file holding the admin token (default: $TOLLGATE_ADMIN_TOKEN).")
    Path tokenFile;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the server's JSON instead of tables.")
    boolean json;

    private final Map<String, String> env;
    private PrintWriter out;

    private Cli(Map<String, String> env) {
        this.env = env;
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Cli cli = new Cli(env);
        cli.out = out;
        CommandLine line = new CommandLine(cli).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof AdminClient.Refused) {
                        err.println("tollgate: refused: " + e.getMessage());
                        return REFUSED;
                    }
                    if (e instanceof AdminClient.Unreachable) {
                        err.println("tollgate: " + e.getMessage());
                        return UNREACHABLE;
                    }
                    if (e instanceof IllegalArgumentException) {
                        err.println("tollgate: " + e.getMessage());
                        return USAGE;
                    }
                    throw e;
                });
        line.setExitCodeExceptionMapper(e -> USAGE);
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command line as picocli sees it (for the completion script). */
    static CommandLine commandLine() {
        return new CommandLine(new Cli(Map.of()));
    }

    AdminClient client() {
        String base = url != null ? url : env.getOrDefault("TOLLGATE_URL", DEFAULT_URL);
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --token-file " + tokenFile + ": " + e.getMessage());
            }
        } else {
            token = env.getOrDefault("TOLLGATE_ADMIN_TOKEN", "");
        }
        String api = apiUrl != null ? apiUrl : env.getOrDefault("TOLLGATE_API_URL", DEFAULT_API_URL);
        return new AdminClient(base, api, token);
    }

    Output output() {
        return new Output(out, json);
    }

    PrintWriter out() {
        return out;
    }

    static String seg(String value) {
        return AdminClient.segment(value);
    }

    /** The base of every command: the root's options, and one call that prints what it got. */
    abstract static class Leaf implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Cli root() {
            return (Cli) spec.root().userObject();
        }

        AdminClient client() {
            return root().client();
        }

        int print(JsonNode node) {
            root().output().print(node);
            return DONE;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"tollgate " + (v == null ? "(development build)" : v)};
        }
    }

    // ---- users ----

    @Command(name = "users", mixinStandardHelpOptions = true, description = "A user's tier, multiplier and billing cycle.",
            subcommands = {Users.Show.class, Users.Set.class})
    static final class Users {
        @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a user's policy.")
        static final class Show extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;

            @Override
            public Integer call() {
                return print(client().get("/admin/users/" + seg(user)));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true,
                description = "Set a user's tier, multiplier, billing anchor day or time zone; what is not given stays.")
        static final class Set extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;
            @Option(names = "--tier", description = "free, basic, pro or enterprise")
            String tier;
            @Option(names = "--multiplier", description = "scales the tier's rate limits, (0, 1000]")
            Double multiplier;
            @Option(names = "--billing-anchor-day", description = "the day of the month a billing period starts, 1..31")
            Integer anchorDay;
            @Option(names = "--time-zone", description = "the billing cycle's IANA time zone, such as Europe/Berlin")
            String zone;

            @Override
            public Integer call() {
                if (tier == null && multiplier == null && anchorDay == null && zone == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "give at least one of --tier, --multiplier, --billing-anchor-day, --time-zone");
                }
                AdminClient c = client();
                JsonNode now = c.get("/admin/users/" + seg(user));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("tier", tier != null ? tier : now.path("tier").asText());
                body.put("multiplier", multiplier != null ? multiplier : now.path("multiplier").asDouble(1.0));
                body.put("billing_anchor_day", anchorDay != null ? anchorDay : now.path("billing_anchor_day").asInt(1));
                body.put("billing_time_zone", zone != null ? zone : now.path("billing_time_zone").asText("UTC"));
                return print(c.send("PUT", "/admin/users/" + seg(user), body));
            }
        }
    }

    // ---- limits ----

    /** Whose limit: a user's own, a user's on one API, or an API's global one. */
    static final class Target {
        @Option(names = "--user", paramLabel = "USER", description = "the user (without it: the API's global limit)")
        String user;
        @Option(names = "--api", paramLabel = "API", description = "the API")
        String api;

        String adminPath(CommandSpec spec, String window) {
            if (user == null && api == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --user, --api or both");
            }
            if (user == null) {
                return "/admin/apis/" + seg(api) + "/limits/" + seg(window);
            }
            return "/admin/users/" + seg(user) + (api == null ? "" : "/apis/" + seg(api)) + "/limits/" + seg(window);
        }
    }

    @Command(name = "limits", mixinStandardHelpOptions = true,
            description = "Rate limits: a user's own (--user), a user's on one API (--user --api), an API's global (--api).",
            subcommands = {Limits.Show.class, Limits.Set.class, Limits.Delete.class})
    static final class Limits {
        @Command(name = "show", mixinStandardHelpOptions = true,
                description = "With --user: every limit that applies and its use; with --api alone: the API's global limits.")
        static final class Show extends Leaf {
            @ArgGroup(exclusive = false, multiplicity = "1")
            Target target;

            @Override
            public Integer call() {
                if (target.user == null) {
                    return print(client().get("/admin/apis/" + seg(target.api)));
                }
                String path = target.api == null ? "/api/rate-limits" : "/api/rate-limits/" + seg(target.api);
                return print(client().get(path + "?user_id=" + seg(target.user)));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a limit in one window.")
        static final class Set extends Leaf {
            @Parameters(index = "0", paramLabel = "WINDOW", description = "second, minute, hour, day or month")
            String window;
            @Parameters(index = "1", paramLabel = "LIMIT", description = "units per window, at least 1")
            long limit;
            @ArgGroup(exclusive = false, multiplicity = "1")
            Target target;

            @Override
            public Integer call() {
                return print(client().send("PUT", target.adminPath(spec, window), Map.of("limit", limit)));
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Remove a limit in one window (a user's own falls back to the tier's).")
        static final class Delete extends Leaf {
            @Parameters(paramLabel = "WINDOW")
            String window;
            @ArgGroup(exclusive = false, multiplicity = "1")
            Target target;

            @Override
            public Integer call() {
                return print(client().send("DELETE", target.adminPath(spec, window), null));
            }
        }
    }

    // ---- quotas ----

    @Command(name = "quotas", mixinStandardHelpOptions = true, description = "A user's billing-period quota.",
            subcommands = {Quotas.Show.class, Quotas.Set.class, Quotas.Delete.class})
    static final class Quotas {
        @Command(name = "show", mixinStandardHelpOptions = true, description = "A user's quota use this period.")
        static final class Show extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;

            @Override
            public Integer call() {
                return print(client().get("/api/quotas?user_id=" + seg(user)));
            }
        }

        @Command(name = "set", mixinStandardHelpOptions = true,
                description = "Set a user's own quota; meters not given keep their current value.")
        static final class Set extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;
            @Option(names = "--requests")
            Long requests;
            @Option(names = "--bandwidth-bytes")
            Long bandwidth;
            @Option(names = "--compute-ms")
            Long compute;

            @Override
            public Integer call() {
                if (requests == null && bandwidth == null && compute == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "give at least one of --requests, --bandwidth-bytes, --compute-ms");
                }
                AdminClient c = client();
                JsonNode quota = c.get("/admin/users/" + seg(user)).path("quota");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("requests", requests != null ? requests : quota.path("requests").asLong());
                body.put("bandwidth_bytes", bandwidth != null ? bandwidth : quota.path("bandwidth_bytes").asLong());
                body.put("compute_ms", compute != null ? compute : quota.path("compute_ms").asLong());
                return print(c.send("PUT", "/admin/users/" + seg(user) + "/quota", body));
            }
        }

        @Command(name = "delete", mixinStandardHelpOptions = true,
                description = "Remove a user's own quota (the tier's applies again).")
        static final class Delete extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;

            @Override
            public Integer call() {
                return print(client().send("DELETE", "/admin/users/" + seg(user) + "/quota", null));
            }
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Clear a user's rate-limit counters (quota use stays: it is the ledger's).")
    static final class Reset extends Leaf {
        @Parameters(paramLabel = "USER")
        String user;

        @Override
        public Integer call() {
            return print(client().send("POST", "/admin/users/" + seg(user) + "/reset", null));
        }
    }

    // ---- cluster ----

    @Command(name = "cluster", mixinStandardHelpOptions = true, description = "The cluster's members.",
            subcommands = {Cluster.Members.class, Cluster.Owner.class})
    static final class Cluster {
        @Command(name = "members", mixinStandardHelpOptions = true, description = "List the members and the cluster's state.")
        static final class Members extends Leaf {
            @Override
            public Integer call() {
                return print(client().get("/admin/cluster"));
            }
        }

        @Command(name = "owner", mixinStandardHelpOptions = true, description = "The member that owns a user's counters.")
        static final class Owner extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;

            @Override
            public Integer call() {
                return print(client().get("/admin/cluster/owner?user_id=" + seg(user)));
            }
        }
    }

    // ---- ledger ----

    @Command(name = "ledger", mixinStandardHelpOptions = true, description = "The usage ledger in PostgreSQL.",
            subcommands = {Ledger.Status.class, Ledger.Flush.class, Ledger.Reconcile.class, Ledger.Totals.class,
                    Ledger.Adjust.class, Ledger.Export.class})
    static final class Ledger {
        @Command(name = "status", mixinStandardHelpOptions = true, description = "This member's flush backlog and lag.")
        static final class Status extends Leaf {
            @Override
            public Integer call() {
                return print(client().get("/admin/ledger/status"));
            }
        }

        @Command(name = "flush", mixinStandardHelpOptions = true, description = "Flush this member's usage now.")
        static final class Flush extends Leaf {
            @Override
            public Integer call() {
                return print(client().send("POST", "/admin/ledger/flush", null));
            }
        }

        @Command(name = "reconcile", mixinStandardHelpOptions = true,
                description = "Compare the cluster's confirmed usage with the ledger.")
        static final class Reconcile extends Leaf {
            @Override
            public Integer call() {
                return print(client().get("/admin/ledger/reconcile"));
            }
        }

        @Command(name = "totals", mixinStandardHelpOptions = true, description = "A user's usage in one billing period.")
        static final class Totals extends Leaf {
            @Parameters(paramLabel = "USER")
            String user;
            @Option(names = "--at", paramLabel = "INSTANT", description = "an instant in the period (default now)")
            String at;

            @Override
            public Integer call() {
                return print(client().get("/admin/ledger/totals?user_id=" + seg(user) + (at == null ? "" : "&at=" + seg(at))));
            }
        }

        @Command(name = "adjust", mixinStandardHelpOptions = true,
                description = "Add a signed correction to a user's usage in one period.")
        static final class Adjust extends Leaf {
            @Option(names = "--user", required = true)
            String user;
            @Option(names = "--api", required = true)
            String api;
            @Option(names = "--period-start", required = true, paramLabel = "INSTANT",
                    description = "the period's start, such as 2026-11-01T00:00:00Z")
            String periodStart;
            @Option(names = "--reason", required = true)
            String reason;
            @Option(names = "--requests", defaultValue = "0")
            long requests;
            @Option(names = "--bandwidth-bytes", defaultValue = "0")
            long bandwidth;
            @Option(names = "--compute-ms", defaultValue = "0")
            long compute;

            @Override
            public Integer call() {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("user_id", user);
                body.put("api_id", api);
                body.put("period_start", periodStart);
                body.put("reason", reason);
                body.put("requests", requests);
                body.put("bandwidth_bytes", bandwidth);
                body.put("compute_ms", compute);
                return print(client().send("POST", "/admin/ledger/adjustments", body));
            }
        }

        @Command(name = "export", mixinStandardHelpOptions = true,
                description = "Every user's usage in one period as JSON Lines (default) or CSV, to stdout or --output.")
        static final class Export extends Leaf {
            @ArgGroup(exclusive = true, multiplicity = "1")
            Period period;
            @Option(names = "--format", description = "jsonl or csv", defaultValue = "jsonl")
            String format;
            @Option(names = "--position", description = "the ledger position of an earlier export, to repeat it")
            Long position;
            @Option(names = {"-o", "--output"}, paramLabel = "FILE")
            Path output;

            static final class Period {
                @Option(names = "--period", paramLabel = "YYYY-MM", description = "a UTC month")
                String month;
                @Option(names = "--period-start", paramLabel = "INSTANT")
                String start;
            }

            @Override
            public Integer call() throws IOException {
                if (!format.equals("jsonl") && !format.equals("csv")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--format must be jsonl or csv");
                }
                String path = "/admin/ledger/export?" + (period.month != null ? "period=" + seg(period.month)
                        : "period_start=" + seg(period.start)) + "&format=" + format
                        + (position == null ? "" : "&position=" + position);
                if (output != null) {
                    try (OutputStream file = Files.newOutputStream(output)) {
                        client().stream(path, file);
                    }
                } else {
                    PrintWriter out = root().out();
                    client().stream(path, new OutputStream() {
                        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

                        @Override
                        public void write(int b) {
                            pending.write(b);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            pending.write(b, off, len);
                            flush();
                        }

                        @Override
                        public void flush() {
                            out.print(pending.toString(StandardCharsets.UTF_8));
                            out.flush();
                            pending.reset();
                        }
                    });
                }
                return DONE;
            }
        }
    }

    @Command(name = "webhooks", mixinStandardHelpOptions = true, description = "Webhook endpoints.",
            subcommands = {Webhooks.ListAll.class})
    static final class Webhooks {
        @Command(name = "list", mixinStandardHelpOptions = true, description = "List the webhook endpoints.")
        static final class ListAll extends Leaf {
            @Override
            public Integer call() {
                JsonNode all = client().get("/admin/webhooks");
                return print(root().output().json() ? all : all.path("webhooks"));
            }
        }
    }

    // ---- decisions ----

    abstract static class Decide extends Leaf {
        @Parameters(index = "0", paramLabel = "USER")
        String user;
        @Parameters(index = "1", paramLabel = "API")
        String api;
        @Option(names = "--cost", defaultValue = "1")
        long cost;

        int decide(String path, Map<String, Object> body) {
            body.put("user_id", user);
            body.put("api_id", api);
            body.put("cost", cost);
            JsonNode answer = client().decide(path, body);
            print(answer);
            return answer != null && answer.path("allowed").asBoolean(false) ? DONE : REFUSED;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Would USER's call of API be allowed now? Consumes nothing. Exit 0 allowed, 1 not.")
    static final class Check extends Decide {
        @Override
        public Integer call() {
            return decide("/api/rate-limits/check", new LinkedHashMap<>());
        }
    }

    @Command(name = "acquire", mixinStandardHelpOptions = true,
            description = "Acquire for USER's call of API, as a service would. Exit 0 allowed, 1 not.")
    static final class Acquire extends Decide {
        @Option(names = "--request-id", description = "makes the acquire idempotent")
        String requestId;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            if (requestId != null) {
                body.put("request_id", requestId);
            }
            return decide("/api/rate-limits/acquire", body);
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = "Print a bash/zsh completion script: source <(tollgate completion)")
    static final class Completion extends Leaf {
        @Override
        public Integer call() {
            root().out().print(AutoComplete.bash("tollgate", commandLine()));
            root().out().flush();
            return DONE;
        }
    }
}
