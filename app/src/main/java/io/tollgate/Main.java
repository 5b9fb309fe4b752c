package io.tollgate;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.tollgate.config.InvalidSettingException;

/** Starts one sidecar: {@code java -jar app/target/tollgate.jar}. */
public final class Main {
    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private Main() {
    }

    public static void main(String[] args) {
        // With fewer than 3 cores the common pool gets a parallelism of 1, and libraries that fall back
        // to it (Hazelcast's async callbacks, CompletableFuture's *Async) then start a thread per task.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM,
                    String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
        LogConfig.configureRuntime();
        Config config = Config.create();
        Tollgate tollgate;
        try {
            tollgate = Tollgate.start(config);
        } catch (InvalidSettingException e) {
            System.err.println("tollgate: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(tollgate::close, "tollgate-shutdown"));
        System.out.println("TOLLGATE READY http=" + tollgate.port() + " cluster=" + tollgate.settings().clusterPort());
    }
}
