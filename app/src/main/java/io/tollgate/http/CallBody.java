package io.tollgate.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.tollgate.decide.CallRequest;

import java.io.IOException;

/**
 * The body of an acquire or check, {@code {"user_id", "api_id", "cost"?, "request_id"?}}, read token by token with
 * Jackson's streaming parser: no tree, no map, no big integers on the decision path. The rules are those of
 * {@link Json}'s tree readers: unknown fields are skipped, {@code null} is absent, a repeated field is refused,
 * and nothing may follow the object.
 */
final class CallBody {
    private CallBody() {
    }

    static CallRequest parse(byte[] bytes) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw Json.notAnObject();
            }
            String user = null;
            String api = null;
            long cost = 1;
            String requestId = null;
            for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                JsonToken value = p.nextToken();
                switch (field) {
                    case "user_id" -> user = text(p, value, field);
                    case "api_id" -> api = text(p, value, field);
                    case "request_id" -> requestId = text(p, value, field);
                    case "cost" -> cost = cost(p, value);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw Json.notAnObject();
            }
            if (p.nextToken() != null) {
                throw BadRequest.field("body", "malformed JSON: trailing content after the object");
            }
            if (user == null) {
                throw BadRequest.field("user_id", "user_id is required");
            }
            if (api == null) {
                throw BadRequest.field("api_id", "api_id is required");
            }
            return new CallRequest(Json.checkId("user_id", user), Json.checkId("api_id", api), cost,
                    requestId == null ? null : Json.checkId("request_id", requestId));
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw Json.undecodable(e);
        }
    }

    /** A string, or null for JSON null; any other value is refused naming the field. */
    private static String text(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        p.skipChildren();
        throw BadRequest.field(field, field + " must be a string");
    }

    private static long cost(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return 1;
        }
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw BadRequest.field("cost", "cost must be an integer");
        }
        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
            throw BadRequest.field("cost", "cost must be between 1 and " + RateLimitService.MAX_COST);
        }
        long cost = p.getLongValue();
        if (cost < 1 || cost > RateLimitService.MAX_COST) {
            throw BadRequest.field("cost", "cost must be between 1 and " + RateLimitService.MAX_COST);
        }
        return cost;
    }
}
