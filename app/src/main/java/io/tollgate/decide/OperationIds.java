package io.tollgate.decide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * 64-bit operation ids. A call with a request_id gets an id derived from it, so a retry to any
 * member is the same operation; a call without one gets a random id, which still makes Hazelcast's
 * own retries replays. Collisions among one user's few thousand remembered operations are about
 * 1 in 10^12.
 */
final class OperationIds {
    private OperationIds() {
    }

    static long of(String kind, String userId, String requestId) {
        if (requestId == null) {
            return ThreadLocalRandom.current().nextLong();
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (kind + '\n' + userId + '\n' + requestId).getBytes(StandardCharsets.UTF_8));
            long id = 0;
            for (int i = 0; i < 8; i++) {
                id = (id << 8) | (h[i] & 0xFF);
            }
            return id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
