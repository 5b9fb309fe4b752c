package io.tollgate.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * A member's proof that it knows the cluster secret ({@code tollgate.cluster.secret}), carried in its join request
 * as two member attributes: a time and HMAC-SHA256(secret, address | time). The secret itself never crosses the
 * wire. The master checks it before it admits a joiner ({@link AdmissionNodeContext}): the proof binds the joiner's
 * claimed address, so a proof copied from another member's request names that member's address (and the master
 * also requires the connection to come from the claimed host), and a proof older than {@link #FRESH_FOR_MILLIS} is
 * refused. It does not bind the member's UUID: Hazelcast gives a member a new UUID when it merges back after a split
 * or a freeze and sends the join request at once, with the attributes it had. With no secret (one configured
 * member) there is nothing to prove and nothing is checked.
 */
public final class JoinProof {
    static final String TIME_ATTRIBUTE = "tollgate.join.at";
    static final String PROOF_ATTRIBUTE = "tollgate.join.proof";
    /** How old (or how far ahead, for clocks apart) a proof may be. Members renew theirs every minute. */
    static final long FRESH_FOR_MILLIS = 10 * 60_000;

    private final byte[] secret;

    public JoinProof(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public boolean required() {
        return secret.length > 0;
    }

    String prove(String address, long at) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] tag = mac.doFinal((address + "|" + at).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Why {@code attributes} do not prove that their member at {@code address} knows the secret; null when they do. */
    String refusal(String address, Map<String, String> attributes, long now) {
        String at = attributes == null ? null : attributes.get(TIME_ATTRIBUTE);
        String proof = attributes == null ? null : attributes.get(PROOF_ATTRIBUTE);
        if (at == null || proof == null) {
            return "it sent no cluster secret proof (is TOLLGATE_CLUSTER_SECRET set on it?)";
        }
        long time;
        try {
            time = Long.parseLong(at);
        } catch (NumberFormatException e) {
            return "its cluster secret proof is malformed";
        }
        if (Math.abs(now - time) > FRESH_FOR_MILLIS) {
            return "its cluster secret proof is " + (now - time) / 1000 + " s old (clocks apart, or a replay)";
        }
        byte[] expected = prove(address, time).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, proof.getBytes(StandardCharsets.US_ASCII))) {
            return "its cluster secret proof does not match (TOLLGATE_CLUSTER_SECRET differs)";
        }
        return null;
    }
}
