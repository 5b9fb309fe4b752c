package io.tollgate.bench;

import io.tollgate.chaos.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A throw-away {@code redis-server} on a free loopback port, no persistence, stopped by {@link #close}. */
final class RedisServer implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    private RedisServer(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisServer start(Path logDir) throws Exception {
        int port = FreePorts.take();
        ChildProcess p = ChildProcess.start("redis-" + port,
                List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--daemonize", "no"),
                Map.of(), Pattern.compile("Ready to accept connections"), logDir);
        p.terminatedBySignal().awaitReady(Duration.ofSeconds(20));
        return new RedisServer(p, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        process.close();
    }
}
