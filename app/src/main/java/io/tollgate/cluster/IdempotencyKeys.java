package io.tollgate.cluster;

import com.hazelcast.partition.PartitioningStrategy;

/**
 * Keys of the idempotency map ({@code kind \n user \n request_id}) and the partitioning that puts each one in its
 * user's partition. A call with a request_id then reads its first answer from the owner of the user's entry, the
 * member its entry processor goes to anyway: one owner per call instead of two, so a member's death delays only
 * the calls of the users it owned. Identifiers never hold control characters (the HTTP layer refuses them), so
 * the newlines delimit the user.
 */
public final class IdempotencyKeys implements PartitioningStrategy<Object> {

    public static String of(String kind, String userId, String requestId) {
        return kind + "\n" + userId + "\n" + requestId;
    }

    /** The user of an idempotency key: partitioned like the user's entry, whose key is the user id. */
    @Override
    public Object getPartitionKey(Object key) {
        if (key instanceof String s) {
            int first = s.indexOf('\n');
            int second = first < 0 ? -1 : s.indexOf('\n', first + 1);
            if (second > first) {
                return s.substring(first + 1, second);
            }
        }
        return null;
    }
}
