package io.tollgate.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading request bodies (bounded, validated) and writing JSON answers and errors: one place for both. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final int MAX_ID_LENGTH = 256;

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(65536).maxNumberLength(64).build());
    }

    private Json() {
    }

    /** The request body as a JSON object, at most {@code maxBytes} long. */
    public static ObjectNode body(ServerRequest req, int maxBytes) {
        byte[] bytes = bytes(req, maxBytes);
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            // Reading a byte array fails only on its content (a character that cannot be decoded).
            throw undecodable(e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw notAnObject();
        }
        return object;
    }

    /**
     * The raw request body, at most {@code maxBytes} long and not empty. A declared Content-Length is read
     * into an array of exactly that size (Helidon ends the entity there); a chunked body grows a buffer up to
     * the limit.
     */
    static byte[] bytes(ServerRequest req, int maxBytes) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw new BadRequest(413, "body", "request body of " + declared + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] bytes;
        ReadDeadlines.began();
        try (InputStream in = req.content().inputStream()) {
            bytes = declared >= 0 ? in.readNBytes((int) declared) : readAtMost(in, maxBytes);
            if (!ReadDeadlines.finished()) {
                throw new BadRequest(408, "body", "the body was not sent within the read timeout");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            ReadDeadlines.finished();
            throw BadRequest.field("body", "the body could not be read: " + e.getMessage());
        } catch (BadRequest e) {
            ReadDeadlines.finished();
            throw e;
        } catch (RuntimeException e) {
            // Helidon's reader when the client stopped sending or closed before the declared length.
            ReadDeadlines.finished();
            throw BadRequest.field("body", "the body ended before its declared length");
        }
        if (bytes.length == 0) {
            throw BadRequest.field("body", "a JSON object body is required");
        }
        if (!looksUtf8(bytes)) {
            throw new BadRequest(415, "body", "the body must be UTF-8 (JSON in UTF-16 or UTF-32 is not accepted)");
        }
        return bytes;
    }

    private static byte[] readAtMost(InputStream in, int maxBytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            if (out.size() + n > maxBytes) {
                throw new BadRequest(413, "body", "request body exceeds the limit of " + maxBytes + " bytes");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * False for bytes Jackson would read as UTF-16 or UTF-32: a byte-order mark of either, or a zero byte among the
     * first four (a JSON text in UTF-8 has none there). Everything else is parsed as UTF-8, which Jackson validates.
     */
    static boolean looksUtf8(byte[] b) {
        if (b.length >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
            return false;
        }
        for (int i = 0; i < Math.min(4, b.length); i++) {
            if (b[i] == 0) {
                return false;
            }
        }
        return true;
    }

    static BadRequest undecodable(IOException e) {
        return BadRequest.field("body", "the body is not valid UTF-8 JSON: " + e.getClass().getSimpleName());
    }

    static BadRequest malformed(JsonProcessingException e) {
        return BadRequest.field("body", "malformed JSON: " + e.getOriginalMessage());
    }

    static BadRequest notAnObject() {
        return BadRequest.field("body", "the body must be a JSON object");
    }

    /** A required identifier: a non-empty string of at most 256 printable characters. */
    public static String id(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw BadRequest.field(field, field + " is required");
        }
        if (!v.isTextual()) {
            throw BadRequest.field(field, field + " must be a string");
        }
        return checkId(field, v.asText());
    }

    public static String optionalId(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw BadRequest.field(field, field + " must be a string");
        }
        return checkId(field, v.asText());
    }

    public static String checkId(String field, String value) {
        if (value == null || value.isBlank()) {
            throw BadRequest.field(field, field + " must not be empty");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw BadRequest.field(field, field + " must be at most " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw BadRequest.field(field, field + " must not contain control characters");
            }
            if (Character.isSurrogate(c)) {
                // Only a high surrogate followed by a low one is a character; anything else cannot be stored as UTF-8.
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw BadRequest.field(field, field + " must be valid Unicode (an unpaired surrogate at index " + i + ")");
                }
            }
        }
        return value;
    }

    /** An integer in {@code [min, max]}; {@code dflt} when absent (null means required). */
    public static long integer(JsonNode body, String field, Long dflt, long min, long max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw BadRequest.field(field, field + " is required");
            }
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            throw BadRequest.field(field, field + " must be an integer");
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw BadRequest.field(field, field + " must be between " + min + " and " + max);
        }
        return v.asLong();
    }

    public static double number(JsonNode body, String field, double dflt, double min, double max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw BadRequest.field(field, field + " must be a number between " + min + " and " + max);
        }
        return v.asDouble();
    }

    public static String text(JsonNode body, String field, String dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw BadRequest.field(field, field + " is required");
            }
            return dflt;
        }
        if (!v.isTextual()) {
            throw BadRequest.field(field, field + " must be a string");
        }
        return v.asText();
    }

    /** The earliest and latest instants an admin date may name: years 1970 to 9999. */
    static final java.time.Instant EARLIEST = java.time.Instant.EPOCH;
    static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

    /** An ISO-8601 instant between 1970 and 9999; anything else is a 400 naming {@code field}. */
    public static java.time.Instant instant(String field, String raw) {
        java.time.Instant at;
        try {
            at = java.time.Instant.parse(raw);
        } catch (java.time.DateTimeException e) {
            throw BadRequest.field(field, field + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw BadRequest.field(field, field + " must lie between the years 1970 and 9999");
        }
        return at;
    }

    public static String query(ServerRequest req, String name) {
        String v = req.query().first(name).orElse(null);
        if (v == null) {
            throw BadRequest.field(name, "query parameter " + name + " is required");
        }
        return checkId(name, v);
    }

    public static void send(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void error(ServerResponse res, int status, String field, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", statusWord(status));
        body.put("field", field);
        body.put("message", message);
        send(res, status, body);
    }

    /**
     * Answers of the server itself (before routing: a body above server.max-payload-size, a request that
     * cannot be parsed) in the same JSON shape as every other error.
     */
    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, eventType, status, headers, message) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", statusWord(status.code()));
            boolean tooLarge = status.code() == 413;
            body.put("field", tooLarge ? "body" : null);
            body.put("message", message != null && !message.isBlank() ? message
                    : tooLarge ? "request body exceeds the server's limit" : status.reasonPhrase());
            try {
                return DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/json")
                        .keepAlive(eventType.keepAlive())
                        .entity(MAPPER.writeValueAsBytes(body))
                        .build();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, json);
        }
        return b.build();
    }

    private static String statusWord(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 408 -> "request_timeout";
            case 415 -> "unsupported_media_type";
            case 421 -> "misdirected_request";
            case 422 -> "unprocessable";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
