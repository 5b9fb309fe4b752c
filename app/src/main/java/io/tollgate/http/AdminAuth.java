package io.tollgate.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Lets a request through to the admin routes only with {@code Authorization: Bearer <tollgate.admin.token>}
 * (scheme in any case). Wrong tokens are slowed down ({@link BearerToken}).
 */
final class AdminAuth implements Handler {
    private final BearerToken token;

    AdminAuth(BearerToken token) {
        this.token = token;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (!token.configured()) {
            Json.error(res, 403, "authorization", "admin endpoints are disabled: set tollgate.admin.token "
                    + "(environment variable TOLLGATE_ADMIN_TOKEN, at least 32 characters) and send it as "
                    + "'Authorization: Bearer <token>'");
            return;
        }
        BearerToken.Verdict verdict = token.check(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
        if (verdict != BearerToken.Verdict.ACCEPTED) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"tollgate-admin\"");
            Json.error(res, 401, "authorization", verdict == BearerToken.Verdict.MISSING
                    ? "missing 'Authorization: Bearer <token>' header" : "wrong admin token");
            return;
        }
        res.next();
    }
}
