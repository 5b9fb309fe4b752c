package io.tollgate.http;

import io.tollgate.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The localhost API keeps web pages and strangers out: JSON bodies only as application/json, only configured Host
 * names, the admin API on its own listener with its token (scheme in any case, wrong tokens slowed down), and
 * clients that stall while sending are cut off.
 */
class LocalApiGuardHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder()
            .set("tollgate.http.read-timeout", "1s")
            .build();

    private static final String ACQUIRE = "{\"user_id\":\"guard-user\",\"api_id\":\"guard-api\"}";

    private static Reply postAs(String contentType, String path, String body) {
        HttpRequest.Builder b = SIDECAR.request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return SIDECAR.send(b);
    }

    @Test
    void jsonBodiesMustBeDeclaredJson() {
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                "application/jsonp", "application/json; charset=iso-8859-1", "application/json;charset=utf-16",
                "text/json"}) {
            for (String path : new String[] {"/api/rate-limits/acquire", "/api/rate-limits/check", "/api/usage"}) {
                Reply r = postAs(type, path, ACQUIRE);
                assertThat(r.status()).as("POST %s as %s -> %s", path, type, r).isEqualTo(415);
                assertThat(r.textField("error")).isEqualTo("unsupported_media_type");
            }
            HttpRequest.Builder admin = SIDECAR.request("/admin/users/guard-admin")
                    .header("Authorization", "Bearer " + SIDECAR.adminToken())
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"tier\":\"enterprise\"}"));
            if (type != null) {
                admin.header("Content-Type", type);
            }
            assertThat(SIDECAR.send(admin).status()).as("admin PUT as %s", type).isEqualTo(415);
        }
        assertThat(SIDECAR.admin("GET", "/admin/users/guard-admin", null).textField("tier"))
                .as("no refused PUT changed anything").isEqualTo("free");
        assertThat(SIDECAR.used("guard-user", "minute")).as("no refused acquire counted").isZero();
        for (String type : new String[] {"application/json", "Application/JSON", "application/json; charset=utf-8",
                "application/json;charset=\"UTF-8\""}) {
            assertThat(postAs(type, "/api/rate-limits/acquire", ACQUIRE).status()).as("as %s", type).isEqualTo(200);
        }
    }

    @Test
    void onlyConfiguredHostNamesAreAnswered() {
        String body = ACQUIRE.replace("guard-user", "host-user");
        for (String host : new String[] {"localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:" + SIDECAR.port(),
                "[::1]", "[::1]:80", "LOCALHOST:1"}) {
            RawHttp.Answer a = RawHttp.exchange(SIDECAR.port(),
                    RawHttp.request("POST", "/api/rate-limits/check", host, "application/json", body), 5000);
            assertThat(a.status()).as("Host: %s -> %s", host, a.text()).isEqualTo(200);
        }
        for (String host : new String[] {"evil.example", "evil.example:8080", "localhost.evil.example",
                "127.0.0.1.nip.io", "10.0.0.1", "[::2]"}) {
            for (int port : new int[] {SIDECAR.port(), SIDECAR.adminPort()}) {
                String path = port == SIDECAR.port() ? "/api/rate-limits/acquire" : "/admin/cluster";
                RawHttp.Answer a = RawHttp.exchange(port,
                        RawHttp.request("POST", path, host, "application/json", body), 5000);
                assertThat(a.status()).as("Host: %s on %s -> %s", host, path, a.text()).isEqualTo(421);
                assertThat(a.body()).contains("\"error\"");
            }
        }
        // A malformed Host is refused by the HTTP parser itself.
        RawHttp.Answer malformed = RawHttp.exchange(SIDECAR.port(),
                RawHttp.request("POST", "/api/rate-limits/acquire", "localhost:80x", "application/json", body), 5000);
        assertThat(malformed.status()).isIn(400, 421);
        assertThat(SIDECAR.used("host-user", "minute")).as("no misdirected acquire counted").isZero();
        RawHttp.Answer none = RawHttp.exchange(SIDECAR.port(),
                "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", 5000);
        assertThat(none.status()).as("no Host: %s", none.text()).isIn(400, 421);
    }

    @Test
    void theAdminApiAnswersOnlyOnItsOwnListener() {
        HttpRequest.Builder onDecisionPort = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + SIDECAR.port() + "/admin/cluster"))
                .header("Authorization", "Bearer " + SIDECAR.adminToken()).GET();
        assertThat(SIDECAR.send(onDecisionPort).status()).isEqualTo(404);
        assertThat(SIDECAR.admin("GET", "/admin/cluster", null).status()).isEqualTo(200);
        HttpRequest.Builder apiOnAdminPort = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + SIDECAR.adminPort() + "/api/rate-limits/acquire"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ACQUIRE));
        assertThat(SIDECAR.send(apiOnAdminPort).status()).isEqualTo(404);
        assertThat(SIDECAR.adminPort()).isNotEqualTo(SIDECAR.port());
    }

    @Test
    void theBearerSchemeIsMatchedInAnyCase() {
        for (String scheme : new String[] {"Bearer", "bearer", "BEARER", "bEaReR"}) {
            Reply r = SIDECAR.adminAs(scheme + " " + SIDECAR.adminToken(), "GET", "/admin/users/guard-scheme", null);
            assertThat(r.status()).as("scheme %s -> %s", scheme, r).isEqualTo(200);
        }
    }

    @Test
    void repeatedWrongTokensAreSlowedDownButTheRightOneIsNot() {
        long[] millis = new long[6];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            Reply r = SIDECAR.adminAs("Bearer wrong-token-" + i, "GET", "/admin/users/guard-slow", null);
            millis[i] = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.status()).isEqualTo(401);
        }
        assertThat(millis[5]).as("sixth wrong token in a row, waits %s", java.util.Arrays.toString(millis))
                .isGreaterThanOrEqualTo(800);
        long t0 = System.nanoTime();
        assertThat(SIDECAR.admin("GET", "/admin/users/guard-slow", null).status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("the right token right after").isLessThan(700);
    }

    @Test
    void aClientThatStallsInItsHeadersIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", SIDECAR.port())) {
            OutputStream out = s.getOutputStream();
            out.write("POST /api/rate-limits/acquire HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer a = RawHttp.read(s, 4000);
            assertThat(a.closedByServer()).as("closed within the 1 s read timeout (+slack): %s", a.text()).isTrue();
        }
    }

    @Test
    void aClientThatStallsInItsBodyIsCutOffAndNothingIsCounted() throws Exception {
        try (Socket s = new Socket("127.0.0.1", SIDECAR.port())) {
            OutputStream out = s.getOutputStream();
            String body = ACQUIRE.replace("guard-user", "stall-user");
            out.write(("POST /api/rate-limits/acquire HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer a = RawHttp.read(s, 4000);
            assertThat(a.closedByServer()).as("closed within the read timeout: %s", a.text()).isTrue();
            assertThat(a.status()).as("no success: %s", a.text()).isNotEqualTo(200);
        }
        assertThat(SIDECAR.used("stall-user", "minute")).isZero();
    }
}
