package io.tollgate.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which addresses may join: exactly the configured member list (host resolved, port exact). The
 * cluster name alone is a shared word, not a credential; open-source Hazelcast has no member
 * authentication, so the join request's address is checked against the list before admission.
 */
public final class MemberAdmission {
    private final Set<String> allowed;

    private MemberAdmission(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    public static MemberAdmission of(List<String> members) {
        Set<String> allowed = new HashSet<>();
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            String host = m.substring(0, colon);
            String port = m.substring(colon + 1);
            allowed.add(host + ":" + port);
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    allowed.add(a.getHostAddress() + ":" + port);
                }
            } catch (UnknownHostException e) {
                // Kept by name only: a member that resolves later is still matched by its name.
            }
        }
        return new MemberAdmission(allowed);
    }

    public boolean admits(String host, int port) {
        return allowed.contains(host + ":" + port);
    }

    public Set<String> allowed() {
        return allowed;
    }
}
