package io.tollgate.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tollgate.core.Totals;
import io.tollgate.core.UsageKey;

import java.util.HashMap;
import java.util.Map;

/** A batch's content as stored in {@code ledger_cursor.last_deltas}: [[period_start_millis, api_id, requests, bytes, compute_ms], ...]. */
final class BatchContent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchContent() {
    }

    static String encode(Map<UsageKey, Totals> deltas) {
        ArrayNode rows = JSON.createArrayNode();
        deltas.forEach((k, t) -> rows.addArray().add(k.periodStart()).add(k.apiId()).add(t.requests()).add(t.bytes())
                .add(t.computeMs()));
        return rows.toString();
    }

    static Map<UsageKey, Totals> decode(String json) {
        try {
            Map<UsageKey, Totals> out = new HashMap<>();
            for (JsonNode row : JSON.readTree(json)) {
                out.put(new UsageKey(row.get(0).asLong(), row.get(1).asText()),
                        new Totals(row.get(2).asLong(), row.get(3).asLong(), row.get(4).asLong()));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable ledger_cursor.last_deltas: " + json, e);
        }
    }
}
