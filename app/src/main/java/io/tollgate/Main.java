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
        // The JVM-wide Java deserialization filter (META-INF/helidon/serial-config.properties: the classes members
        // exchange in remote failures, with depth and size limits) before the member port or any listener opens.
        io.helidon.common.SerializationConfig.configureRuntime();
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
        System.out.println("TOLLGATE READY http=" + tollgate.port() + " admin=" + tollgate.adminPort() + " cluster=" + tollgate.settings().clusterPort());
    }
}
