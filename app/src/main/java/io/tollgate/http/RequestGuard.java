package io.tollgate.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The checks every request passes before any route, on both listeners: its Host must be an allowed name
 * ({@link AllowedHosts}, else 421; none at all: 400), and a POST, PUT or PATCH that carries a body must declare it
 * {@code application/json} (parameters allowed; a charset other than UTF-8 refused) else 415. Together they keep
 * web pages out: a page on another origin can send a "simple" cross-site POST only as text/plain or a form, and
 * a page that rebinds its own name to 127.0.0.1 still sends its own name as Host.
 *
 * <p>Per call this costs a few header look-ups and region compares: no allocation on the accepted path.
 */
public final class RequestGuard implements Filter {
    private static final String JSON = "application/json";

    private final AllowedHosts hosts;

    public RequestGuard(AllowedHosts hosts) {
        this.hosts = hosts;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!ReadDeadlines.finished()) {
            Json.error(res, 408, "headers", "the request headers were not sent within the read timeout");
            return;
        }
        ServerRequestHeaders headers = req.headers();
        if (!headers.contains(HeaderNames.HOST)) {
            Json.error(res, 400, "host", "a Host header is required");
            return;
        }
        if (!hosts.allows(headers.get(HeaderNames.HOST).get())) {
            Json.error(res, 421, "host", "this server does not answer for that Host (tollgate.http.allowed-hosts)");
            return;
        }
        Method method = req.prologue().method();
        if ((method == Method.POST || method == Method.PUT || method == Method.PATCH) && hasBody(headers)) {
            String problem = contentTypeProblem(headers.contains(HeaderNames.CONTENT_TYPE)
                    ? headers.get(HeaderNames.CONTENT_TYPE).get() : null);
            if (problem != null) {
                Json.error(res, 415, "content-type", problem);
                return;
            }
        }
        chain.proceed();
    }

    private static boolean hasBody(ServerRequestHeaders headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
            return false;
        }
        Header length = headers.get(HeaderNames.CONTENT_LENGTH);
        String v = length.get();
        return !(v.length() == 1 && v.charAt(0) == '0');
    }

    /** Null when {@code value} is application/json (any case, optional parameters, charset UTF-8 if given). */
    static String contentTypeProblem(String value) {
        String expected = "the body must be sent as 'Content-Type: application/json'";
        if (value == null) {
            return expected;
        }
        int i = 0;
        while (i < value.length() && value.charAt(i) == ' ') {
            i++;
        }
        if (!value.regionMatches(true, i, JSON, 0, JSON.length())) {
            return expected;
        }
        int end = i + JSON.length();
        if (end == value.length()) {
            return null;
        }
        char next = value.charAt(end);
        if (next != ';' && next != ' ' && next != '\t') {
            return expected;
        }
        for (String param : value.substring(end).split(";")) {
            String p = param.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = p.substring(eq + 1).trim();
                if (charset.length() > 1 && charset.startsWith("\"") && charset.endsWith("\"")) {
                    charset = charset.substring(1, charset.length() - 1);
                }
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    return "only UTF-8 bodies are accepted (charset=" + charset + ")";
                }
            } else if (!p.isEmpty() && eq <= 0) {
                return expected;
            }
        }
        return null;
    }
}
