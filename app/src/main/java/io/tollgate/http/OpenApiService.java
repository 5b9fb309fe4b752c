package io.tollgate.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * GET /openapi: the OpenAPI 3.1 document of every HTTP route, kept in the repository as
 * {@code app/src/main/resources/openapi.yaml} and served as it is. OpenApiDocumentTest holds it equal to the
 * routes this sidecar serves.
 */
public final class OpenApiService implements HttpService {
    public static final String RESOURCE = "openapi.yaml";
    private static final Header YAML = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/yaml");

    private final byte[] document;

    public OpenApiService() {
        try (InputStream in = OpenApiService.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> {
            res.header(YAML);
            res.send(document);
        });
    }
}
