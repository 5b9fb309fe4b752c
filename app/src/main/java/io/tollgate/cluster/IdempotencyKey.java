package io.tollgate.cluster;

import com.hazelcast.partition.PartitionAware;

/**
 * The key of a remembered first answer: what was asked (acquire or usage), by which user, under which request_id.
 * Partition-aware, so the record lives in its user's partition, beside the user's entry: a call with a request_id
 * then needs only the owner of that partition, and a member's death delays only the calls of the users it owned.
 * It has to be the key itself that says so: Hazelcast 5.7's asynchronous map calls (getAsync, setAsync) route by
 * the cluster-wide partitioning of the raw key and ignore a map's own partitioning strategy, which is what an
 * earlier version of this class relied on.
 */
public record IdempotencyKey(String kind, String userId, String requestId) implements PartitionAware<String> {

    @Override
    public String getPartitionKey() {
        return userId;
    }
}
