package io.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.util.Optional;

/** One HTTP answer from a running sidecar: status, headers, and the body parsed as JSON (null if it is not JSON). */
public record Reply(int status, HttpHeaders headers, String text, JsonNode json) {

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** A body field; fails the test with the whole answer when it is missing. */
    public JsonNode field(String name) {
        if (json == null || !json.has(name)) {
            throw new AssertionError("no field '" + name + "' in " + this);
        }
        return json.get(name);
    }

    public long longField(String name) {
        JsonNode v = field(name);
        if (!v.isIntegralNumber()) {
            throw new AssertionError("field '" + name + "' is not an integer in " + this);
        }
        return v.asLong();
    }

    public String textField(String name) {
        JsonNode v = field(name);
        return v.isNull() ? null : v.asText();
    }

    public boolean allowed() {
        return field("allowed").asBoolean();
    }

    @Override
    public String toString() {
        return status + " " + headers.map() + " " + text;
    }
}
