package io.tollgate;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.tollgate.cli.Cli;
import io.tollgate.config.InvalidSettingException;

/**
 * {@code java -jar app/target/tollgate.jar} starts one sidecar; with a command ({@code users set alice --tier pro},
 * {@code --help}) it is the operator's command line instead ({@link Cli}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.exit(Cli.run(args, System.getenv(),
                    new java.io.PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8),
                    new java.io.PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8)));
            return;
        }
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
        System.out.println("TOLLGATE READY http=" + tollgate.port() + " admin=" + tollgate.adminPort() + " grpc=" + tollgate.grpcPort()
                + " cluster=" + tollgate.settings().clusterPort());
    }
}
