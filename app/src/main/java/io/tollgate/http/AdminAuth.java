package io.tollgate.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Lets a request through to the admin routes only with {@code Authorization: Bearer <tollgate.admin.token>}. */
final class AdminAuth implements Handler {
    private final byte[] token;

    AdminAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (token.length == 0) {
            Json.error(res, 403, "authorization", "admin endpoints are disabled: set tollgate.admin.token "
                    + "(environment variable TOLLGATE_ADMIN_TOKEN) and send it as 'Authorization: Bearer <token>'");
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String presented = header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        // Constant-time comparison: the token must not leak through response timing.
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tollgate-admin\"");
            Json.error(res, 401, "authorization", presented.isEmpty()
                    ? "missing 'Authorization: Bearer <token>' header" : "wrong admin token");
            return;
        }
        res.next();
    }
}
