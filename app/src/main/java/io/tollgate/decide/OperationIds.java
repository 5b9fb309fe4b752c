package io.tollgate.decide;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Operation ids for calls that carry a request_id: derived from it, so a client's retry to any
 * member is the same operation. Calls without one get a sequenced id from {@link CallerSequence}.
 * Hashed ids are 63 bits ({@link io.tollgate.core.OperationId#hashed}); collisions among one user's
 * few thousand remembered operations are about 1 in 10^12.
 */
final class OperationIds {
    private OperationIds() {
    }

    static long of(String kind, String userId, String requestId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    (kind + '\n' + userId + '\n' + requestId).getBytes(StandardCharsets.UTF_8));
            long id = 0;
            for (int i = 0; i < 8; i++) {
                id = (id << 8) | (h[i] & 0xFF);
            }
            return io.tollgate.core.OperationId.hashed(id);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
