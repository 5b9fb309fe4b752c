package io.tollgate;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.tollgate.config.InvalidSettingException;

/** Starts one sidecar: {@code java -jar app/target/tollgate.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
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
        System.out.println("TOLLGATE READY http=" + tollgate.port() + " grpc=" + tollgate.grpcPort() + " cluster=" + tollgate.settings().clusterPort());
    }
}
