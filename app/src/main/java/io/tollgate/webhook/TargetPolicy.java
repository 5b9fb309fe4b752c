package io.tollgate.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs a webhook may call. {@code https} always; {@code http} only to a host listed in
 * {@code tollgate.webhooks.allow-http-hosts}. A host that resolves to a loopback, private, link-local
 * (cloud metadata), carrier-grade NAT, unique-local, multicast or unspecified address is refused unless it is
 * listed in {@code tollgate.webhooks.allow-private-hosts}, so a registered URL cannot reach into the
 * cluster's own network. The address check runs at registration and again before every attempt (a name may
 * resolve elsewhere later); the HTTP client resolves the name once more when it connects, so a DNS answer
 * that changes within that instant is not caught.
 */
public final class TargetPolicy {
    private final Set<String> httpHosts;
    private final Set<String> privateHosts;

    public TargetPolicy(WebhookSettings settings) {
        this.httpHosts = settings.allowHttpHosts();
        this.privateHosts = settings.allowPrivateHosts();
    }

    /** The URL as given, or an {@link IllegalArgumentException} saying why it may not be called. */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = hostOf(uri);
        if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url must be an absolute http(s) URL with a host, no user info and no fragment");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && httpHosts.contains(host))) {
            throw new IllegalArgumentException("url must use https" + (scheme.equals("http")
                    ? " (http only to hosts in tollgate.webhooks.allow-http-hosts; '" + host + "' is not)" : ""));
        }
        String refusal = addressRefusal(uri);
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        return uri;
    }

    /** Why the URL's host may not be called now (resolved afresh), or null when it may. */
    public String addressRefusal(URI uri) {
        String host = hostOf(uri);
        if (privateHosts.contains(host)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "url host '" + host + "' does not resolve";
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                return "url host '" + host + "' resolves to the internal address " + a.getHostAddress()
                        + " (allowed only for hosts in tollgate.webhooks.allow-private-hosts)";
            }
        }
        return null;
    }

    static String hostOf(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean isInternal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT 100.64/10
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0)      // IETF protocol assignments
                    || first >= 240;                                             // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return false;
    }
}
