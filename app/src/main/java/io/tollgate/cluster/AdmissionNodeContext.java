package io.tollgate.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.internal.cluster.impl.JoinMessage;
import com.hazelcast.internal.cluster.impl.JoinRequest;
import com.hazelcast.internal.server.ServerConnection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Hooks member admission into Hazelcast's join validation (the node extension's {@code validateJoinRequest}, which
 * the master runs before it admits a joiner, and before it would replace a member that seems to have restarted at
 * the same address). This leans on Hazelcast's internal SPI, the only place open-source Hazelcast lets a member
 * refuse a joiner; the chaos tests of strangers guard it across upgrades.
 *
 * <p>Design note. A joiner is admitted only when all of these hold, each checked on the master:
 * <ol>
 * <li>its claimed address is in {@code tollgate.cluster.members} ({@link MemberAdmission});</li>
 * <li>it proves it knows the cluster secret ({@link JoinProof}: an HMAC over its claimed address and a time,
 * in its member attributes), whenever a secret is configured (always with more than one member);</li>
 * <li>the connection its request came on, where the master has one for that address, comes from the claimed host:
 * a member may claim only an address of the machine it runs on.</li>
 * </ol>
 * A refusal is logged on the master as one WARNING line naming the address and the reason, and the joiner gets
 * Hazelcast's configuration-mismatch answer. The own proof is written into this member's attributes before it first
 * joins and renewed every minute (a member may wait long for a majority, and rejoins after a split).
 */
final class AdmissionNodeContext extends DefaultNodeContext {
    private static final Logger LOG = Logger.getLogger(AdmissionNodeContext.class.getName());
    private final MemberAdmission admission;
    private final JoinProof proof;
    /** The UUID this member's current proof was made for (its UUID changes when it merges after a split). */
    private static final String PROVEN_UUID_ATTRIBUTE = "tollgate.join.uuid";

    AdmissionNodeContext(MemberAdmission admission, JoinProof proof) {
        this.admission = admission;
        this.proof = proof;
    }

    @Override
    public NodeExtension createNodeExtension(Node node) {
        return new DefaultNodeExtension(node) {
            private ScheduledExecutorService renewal;

            @Override
            public void beforeJoin() {
                super.beforeJoin();
                if (!proof.required()) {
                    return;
                }
                // Also on a rejoin after a split, when Hazelcast gives this member a new UUID.
                renewOwnProof(node);
                if (renewal == null) {
                    renewal = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "tollgate-join-proof");
                        t.setDaemon(true);
                        return t;
                    });
                    // Checked every second: a merge after a split gives this member a new UUID (and a new local member
                    // carrying the old proof) without calling beforeJoin again, and its next join request must prove the
                    // new one. Otherwise renewed every minute.
                    renewal.scheduleWithFixedDelay(() -> {
                        if (staleOwnProof(node)) {
                            renewOwnProof(node);
                        }
                    }, 1, 1, TimeUnit.SECONDS);
                }
            }

            @Override
            public void beforeShutdown(boolean terminate) {
                if (renewal != null) {
                    renewal.shutdownNow();
                }
                super.beforeShutdown(terminate);
            }

            @Override
            public void validateJoinRequest(JoinMessage joinMessage) {
                super.validateJoinRequest(joinMessage);
                Address address = joinMessage.getAddress();
                if (!admission.admits(address.getHost(), address.getPort())) {
                    refuse(address, "not in tollgate.cluster.members");
                }
                if (proof.required() && joinMessage instanceof JoinRequest request) {
                    String why = proof.refusal(address.toString(), request.getAttributes(),
                            System.currentTimeMillis());
                    if (why != null) {
                        refuse(address, why);
                    }
                }
                String from = otherHost(node, address);
                if (from != null) {
                    refuse(address, "its connection comes from " + from + ", not from the host it claims");
                }
            }
        };
    }

    /** True when this member's proof names another UUID than its own now, or is a minute old. */
    private static boolean staleOwnProof(Node node) {
        var local = node.getLocalMember();
        String at = local.getAttribute(JoinProof.TIME_ATTRIBUTE);
        String provenFor = local.getAttribute(PROVEN_UUID_ATTRIBUTE);
        return at == null || !node.getThisUuid().toString().equals(provenFor)
                || System.currentTimeMillis() - Long.parseLong(at) > TimeUnit.MINUTES.toMillis(1);
    }

    private void renewOwnProof(Node node) {
        long now = System.currentTimeMillis();
        var local = node.getLocalMember();
        local.setAttribute(PROVEN_UUID_ATTRIBUTE, node.getThisUuid().toString());
        local.setAttribute(JoinProof.TIME_ATTRIBUTE, Long.toString(now));
        local.setAttribute(JoinProof.PROOF_ATTRIBUTE, proof.prove(node.getThisAddress().toString(), now));
    }

    private static void refuse(Address address, String why) {
        LOG.warning("refused join request from " + address + ": " + why);
        throw new InvalidConfigurationException("member " + address + " may not join this cluster: " + why);
    }

    /**
     * The remote host of the master's connection registered under {@code claimed}, when that host is not the claimed
     * one; null when they agree or no such connection is known.
     */
    private static String otherHost(Node node, Address claimed) {
        ServerConnection c = node.getServer() == null ? null
                : node.getServer().getConnectionManager(EndpointQualifier.MEMBER).get(claimed);
        InetSocketAddress remote = c == null ? null : c.getRemoteSocketAddress();
        if (remote == null || remote.getAddress() == null) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(claimed.getHost())) {
                if (a.equals(remote.getAddress())) {
                    return null;
                }
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return remote.getAddress().getHostAddress();
    }
}
