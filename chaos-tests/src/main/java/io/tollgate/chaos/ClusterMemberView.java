package io.tollgate.chaos;

/** A member as {@code GET /admin/cluster} or {@code /admin/cluster/owner} shows it: cluster address and HTTP port. */
public record ClusterMemberView(String address, int httpPort, boolean local) {

    public int clusterPort() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    public String host() {
        return address.substring(0, address.lastIndexOf(':'));
    }
}
