package io.tollgate.bench;

import io.tollgate.chaos.FreePorts;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The floor, the Redis baseline or the Bucket4j baseline: {@code members} {@link BaselineServer}
 * JVMs (plus a redis-server for Redis), each with its own HTTP front.
 */
final class BaselineSystem implements SystemUnderTest {

    private static final Pattern READY = Pattern.compile("BENCH READY http=(\\d+)");

    private final String kind;
    private final int members;
    private final Path logDir;
    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<InetSocketAddress> endpoints = new ArrayList<>();
    private RedisServer redis;

    BaselineSystem(String kind, int members, Path logDir) {
        this.kind = kind;
        this.members = members;
        this.logDir = logDir;
    }

    @Override
    public String name() {
        return switch (kind) {
            case "floor" -> "http-floor";
            case "redis" -> "redis-lua";
            case "bucket4j" -> "bucket4j-hz-" + members;
            default -> kind;
        };
    }

    /** The redis-server of this system (Redis only), for direct measurements. */
    RedisServer redis() {
        return redis;
    }

    @Override
    public List<InetSocketAddress> start() throws Exception {
        List<List<String>> argsPerMember = new ArrayList<>();
        if (kind.equals("redis")) {
            redis = RedisServer.start(logDir);
            for (int i = 0; i < members; i++) {
                argsPerMember.add(List.of("--system", "redis", "--redis-port", Integer.toString(redis.port())));
            }
        } else if (kind.equals("bucket4j")) {
            List<String> ports = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                ports.add(Integer.toString(FreePorts.take()));
            }
            String memberList = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
            for (String port : ports) {
                argsPerMember.add(List.of("--system", "bucket4j", "--cluster-port", port, "--members", memberList,
                        "--cluster-size", Integer.toString(members)));
            }
        } else {
            for (int i = 0; i < members; i++) {
                argsPerMember.add(List.of("--system", kind));
            }
        }
        int i = 0;
        for (List<String> args : argsPerMember) {
            processes.add(ChildProcess.start(name() + "-" + i++, JvmLauncher.command(BaselineServer.class.getName(), args),
                    Map.of(), READY, logDir));
        }
        for (ChildProcess p : processes) {
            Matcher m = p.awaitReady(Duration.ofMinutes(2));
            endpoints.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))));
        }
        return List.copyOf(endpoints);
    }

    @Override
    public long prefill(UserPopulation users, long seconds) throws Exception {
        InetSocketAddress first = endpoints.getFirst();
        URI uri = URI.create("http://127.0.0.1:" + first.getPort() + "/bench/prefill?prefix=" + users.prefix()
                + "&count=" + users.count() + "&seconds=" + seconds);
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(seconds + 60)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("prefill answered " + r.statusCode() + ": " + r.body());
            }
            return Long.parseLong(r.body().trim());
        }
    }

    @Override
    public void close() {
        processes.forEach(ChildProcess::close);
        processes.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }
}
