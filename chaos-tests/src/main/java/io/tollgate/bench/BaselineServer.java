package io.tollgate.bench;

import io.helidon.webserver.WebServer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One baseline decision service in its own JVM, as the driver launches it:
 * {@code BaselineServer --system floor|redis|bucket4j [--http-port N] [--redis-port N]
 * [--cluster-port N --members h:p,h:p --cluster-size N]}. Prints {@code BENCH READY http=<port>}
 * when it accepts requests, and stops when its standard input closes (so a dying driver takes it along).
 */
public final class BaselineServer {

    private BaselineServer() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        DecisionBackend backend = switch (args.get("system")) {
            case "floor" -> new FloorBackend();
            case "redis" -> new RedisBackend("127.0.0.1", Integer.parseInt(args.get("redis-port")));
            case "bucket4j" -> {
                Bucket4jBackend b = new Bucket4jBackend(Integer.parseInt(args.get("cluster-port")),
                        List.of(args.get("members").split(",")));
                b.awaitClusterSize(Integer.parseInt(args.getOrDefault("cluster-size", "1")), 120_000);
                yield b;
            }
            default -> throw new IllegalArgumentException("unknown --system " + args.get("system"));
        };
        WebServer server = new DecisionHttpFront(backend)
                .start("127.0.0.1", Integer.parseInt(args.getOrDefault("http-port", "0")));
        System.out.println("BENCH READY http=" + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the driver to close our stdin
        }
        server.stop();
        backend.close();
        System.exit(0);
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs: " + Arrays.toString(argv));
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        return args;
    }
}
