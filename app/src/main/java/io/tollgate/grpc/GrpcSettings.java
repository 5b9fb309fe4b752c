package io.tollgate.grpc;

import io.helidon.config.Config;
import io.tollgate.config.InvalidSettingException;

/**
 * The {@code tollgate.grpc.*} settings, read once at start-up; defaults in application.yaml and here.
 *
 * @param enabled      whether the Envoy rate limit service listens at all
 * @param host         the address its port binds (loopback by default, like the HTTP port)
 * @param port         its own port, 8081 by default as in envoyproxy/ratelimit (0: any free port)
 * @param domain       the only domain answered; any other is refused with INVALID_ARGUMENT
 * @param userKey      the descriptor entry key that names the user
 * @param apiKey       the descriptor entry key that names the API
 * @param requestIdKey the optional descriptor entry key that makes an acquire idempotent
 */
public record GrpcSettings(boolean enabled, String host, int port, String domain, String userKey, String apiKey,
                           String requestIdKey) {

    public static GrpcSettings from(Config root) {
        Config g = root.get("tollgate.grpc");
        String enabled = text(g, "enabled", "true");
        if (!enabled.equalsIgnoreCase("true") && !enabled.equalsIgnoreCase("false")) {
            throw new InvalidSettingException("tollgate.grpc.enabled", enabled, "must be true or false");
        }
        String rawPort = text(g, "port", "8081");
        int port;
        try {
            port = Integer.parseInt(rawPort);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new InvalidSettingException("tollgate.grpc.port", rawPort, "must be a port number 0..65535");
        }
        String user = key(g, "user-key", "user_id");
        String api = key(g, "api-key", "api_id");
        String requestId = key(g, "request-id-key", "request_id");
        if (user.equals(api) || user.equals(requestId) || api.equals(requestId)) {
            throw new InvalidSettingException("tollgate.grpc.user-key", user + "," + api + "," + requestId,
                    "the user, API and request id keys must differ");
        }
        return new GrpcSettings(Boolean.parseBoolean(enabled), text(g, "host", "127.0.0.1"), port,
                key(g, "domain", "tollgate"), user, api, requestId);
    }

    private static String key(Config g, String key, String dflt) {
        String v = text(g, key, dflt);
        if (v.isEmpty()) {
            throw new InvalidSettingException("tollgate.grpc." + key, v, "must not be empty");
        }
        return v;
    }

    private static String text(Config c, String key, String dflt) {
        return c.get(key).asString().orElse(dflt).trim();
    }
}
