package io.tollgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** The body of {@code POST /api/rate-limits/acquire}: {"user_id","api_id","cost"?,"request_id"?}. */
record AcquireRequest(String userId, String apiId, long cost, String requestId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses and validates a body; every baseline and the floor pay this same cost. */
    static AcquireRequest parse(byte[] body) throws IOException {
        JsonNode node = JSON.readTree(body);
        String userId = text(node, "user_id");
        String apiId = text(node, "api_id");
        if (userId == null || userId.isEmpty() || apiId == null || apiId.isEmpty()) {
            throw new IllegalArgumentException("user_id and api_id are required");
        }
        JsonNode costNode = node.get("cost");
        long cost = costNode == null || costNode.isNull() ? 1 : costNode.asLong(-1);
        if (cost < 1 || cost > 1_000_000) {
            throw new IllegalArgumentException("cost must be within 1..1000000");
        }
        return new AcquireRequest(userId, apiId, cost, text(node, "request_id"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
