package io.tollgate.cluster;

import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.internal.cluster.impl.JoinMessage;

import java.util.logging.Logger;

/**
 * Hooks {@link MemberAdmission} into Hazelcast's join validation (the node extension's
 * {@code validateJoinRequest}, which the master runs before it admits a joiner). This leans on
 * Hazelcast's internal SPI, the only place open-source Hazelcast lets a member refuse a joiner;
 * the chaos test "stranger with the right cluster name" guards it across upgrades.
 */
final class AdmissionNodeContext extends DefaultNodeContext {
    private static final Logger LOG = Logger.getLogger(AdmissionNodeContext.class.getName());
    private final MemberAdmission admission;

    AdmissionNodeContext(MemberAdmission admission) {
        this.admission = admission;
    }

    @Override
    public NodeExtension createNodeExtension(Node node) {
        return new DefaultNodeExtension(node) {
            @Override
            public void validateJoinRequest(JoinMessage joinMessage) {
                super.validateJoinRequest(joinMessage);
                var address = joinMessage.getAddress();
                if (!admission.admits(address.getHost(), address.getPort())) {
                    LOG.warning("refused join request from " + address + ": not in tollgate.cluster.members");
                    throw new InvalidConfigurationException("member " + address
                            + " is not in this cluster's member list (tollgate.cluster.members)");
                }
            }
        };
    }
}
