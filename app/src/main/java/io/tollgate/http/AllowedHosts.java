package io.tollgate.http;

import java.util.List;
import java.util.Locale;

/**
 * The Host header values this sidecar answers: a configured name ({@code tollgate.http.allowed-hosts}), with or
 * without a port. Checked without allocating (a few region compares), since every decision call passes here.
 * A name outside the list is what a browser sends after DNS rebinding (evil.example resolving to 127.0.0.1): such
 * a request gets 421 and never reaches a route.
 */
public final class AllowedHosts {
    private final String[] names;

    public AllowedHosts(List<String> names) {
        this.names = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    /** True when {@code host} (a Host header's value; null when absent) names an allowed host, any port. */
    public boolean allows(String host) {
        if (host == null) {
            return false;
        }
        for (String name : names) {
            int n = name.length();
            if (host.regionMatches(true, 0, name, 0, n) && (host.length() == n || isPort(host, n))) {
                return true;
            }
        }
        return false;
    }

    /** {@code :digits} from index {@code colon} to the end. */
    private static boolean isPort(String host, int colon) {
        if (host.charAt(colon) != ':' || colon + 1 == host.length() || host.length() - colon > 6) {
            return false;
        }
        for (int i = colon + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
