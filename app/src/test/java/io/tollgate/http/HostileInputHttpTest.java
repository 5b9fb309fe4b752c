package io.tollgate.http;

import io.tollgate.testing.RawHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input against every JSON route of both listeners: each case gets a 4xx JSON answer (never a 500 or a
 * stack trace), the victim's counters and policy stay as they were, and the server keeps answering. Then framing
 * tricks written byte by byte (conflicting lengths, broken chunks, oversized heads) and clients that drip their
 * request slowly.
 */
class HostileInputHttpTest {
    @RegisterExtension
    static final RunningSidecar SIDECAR = RunningSidecar.builder()
            .set("tollgate.http.read-timeout", "1s")
            .build();

    private static final String VICTIM = "hostile-victim";
    /** method, path, on the admin listener. */
    private static final List<String[]> JSON_ROUTES = List.of(
            new String[] {"POST", "/api/rate-limits/acquire"}, new String[] {"POST", "/api/rate-limits/check"},
            new String[] {"POST", "/api/usage"}, new String[] {"PUT", "/admin/users/" + VICTIM},
            new String[] {"PUT", "/admin/users/" + VICTIM + "/limits/minute"},
            new String[] {"PUT", "/admin/users/" + VICTIM + "/apis/search/limits/minute"},
            new String[] {"PUT", "/admin/users/" + VICTIM + "/quota"},
            new String[] {"PUT", "/admin/apis/search/limits/minute"},
            new String[] {"POST", "/admin/ledger/adjustments"}, new String[] {"POST", "/admin/webhooks"});

    @BeforeAll
    static void victimHasUsedOne() {
        assertThat(SIDECAR.acquire(VICTIM, "search").status()).isEqualTo(200);
    }

    private static void assertVictimUnchanged() {
        assertThat(SIDECAR.used(VICTIM, "minute")).as("hostile input changed the counters").isEqualTo(1);
        Reply policy = SIDECAR.admin("GET", "/admin/users/" + VICTIM, null);
        assertThat(policy.textField("tier")).isEqualTo("free");
        assertThat(policy.field("custom_limits").size()).isZero();
        assertThat(policy.field("api_limits").size()).isZero();
        assertThat(policy.field("custom_quota").asBoolean()).isFalse();
        assertThat(SIDECAR.admin("GET", "/admin/apis/search", null).field("global_limits").size()).isZero();
    }

    private static byte[][] hostileBodies() {
        String deep = "{\"a\":".repeat(2000) + "1" + "}".repeat(2000);
        String longString = "{\"user_id\":\"" + "x".repeat(70_000) + "\",\"api_id\":\"search\"}";
        String bigNumber = "{\"user_id\":\"" + VICTIM + "\",\"api_id\":\"search\",\"limit\":1" + "0".repeat(5000) + "}";
        String dup = "{\"user_id\":\"" + VICTIM + "\",\"user_id\":\"other\",\"api_id\":\"search\",\"tier\":\"pro\",\"limit\":5}";
        String nul = "{\"user_id\":\"hostile\u0000victim\",\"api_id\":\"search\",\"tier\":\"pro\"}";
        java.nio.ByteBuffer utf32 = java.nio.ByteBuffer.allocate(64);
        for (char c : "{\"a\":\"".toCharArray()) {
            utf32.putInt(c);
        }
        utf32.putInt(0x7FFFFFFF).putInt('"').putInt('}');
        return new byte[][] {deep.getBytes(StandardCharsets.UTF_8), longString.getBytes(StandardCharsets.UTF_8),
                bigNumber.getBytes(StandardCharsets.UTF_8), dup.getBytes(StandardCharsets.UTF_8),
                nul.getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(utf32.array(), utf32.position()),
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', ']'}, "{}".getBytes(StandardCharsets.UTF_8),
                "\"\"".getBytes(StandardCharsets.UTF_8), {(byte) 0xC3}};
    }

    @Test
    void everyJsonRouteAnswersEveryHostileBodyWithA4xxJsonError() {
        for (String[] route : JSON_ROUTES) {
            for (byte[] body : hostileBodies()) {
                Reply r = SIDECAR.send(SIDECAR.request(route[1]).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + SIDECAR.adminToken())
                        .method(route[0], HttpRequest.BodyPublishers.ofByteArray(body)));
                String what = route[0] + " " + route[1] + " " + new String(body, 0, Math.min(body.length, 40),
                        StandardCharsets.ISO_8859_1);
                assertThat(r.status()).as("%s -> %s", what, r).isBetween(400, 499);
                assertThat(r.json()).as("JSON error: %s", what).isNotNull();
                assertThat(r.text()).as(what).doesNotContain("\tat ").doesNotContain("Exception:");
            }
        }
        assertVictimUnchanged();
    }

    /**
     * Sends {@code request} raw and expects a 4xx or a closed connection, never a 2xx or 5xx (except 501 for a
     * transfer coding the server does not implement, as RFC 9112 has it).
     */
    private static void refused(String what, String request) {
        RawHttp.Answer a = RawHttp.exchange(SIDECAR.port(), request, 3000);
        assertThat(a.status() == -1 || a.status() == 501 || (a.status() >= 400 && a.status() < 500))
                .as("%s -> %s", what, a.text()).isTrue();
    }

    @Test
    void framingTricksAreRefusedAndCountNothing() {
        String body = "{\"user_id\":\"" + VICTIM + "\",\"api_id\":\"search\"}";
        String head = "POST /api/rate-limits/acquire HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
        refused("Content-Length and chunked", head + "Content-Length: " + body.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
        refused("two Content-Lengths", head + "Content-Length: " + body.length() + "\r\nContent-Length: 5\r\n\r\n" + body);
        refused("negative Content-Length", head + "Content-Length: -1\r\n\r\n" + body);
        refused("Content-Length not a number", head + "Content-Length: 4x\r\n\r\n" + body);
        refused("chunk size not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n");
        refused("chunk size overflowing", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n");
        refused("unknown transfer coding", head + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        refused("folded header", head + "X-Folded: a\r\n b\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        refused("NUL in a header", head + "X-Nul: a\u0000b\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        refused("a space before the colon", head + "Content-Length : " + body.length() + "\r\n\r\n" + body);
        refused("headers beyond the size limit", head + "X-Big: " + "a".repeat(40_000) + "\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);
        refused("request line beyond the limit", "POST /api/rate-limits/acquire?" + "q".repeat(20_000)
                + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        refused("not HTTP at all", "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n");
        refused("chunked body beyond max-payload-size", head + "Transfer-Encoding: chunked\r\n\r\n"
                + ("10000\r\n" + "a".repeat(0x10000) + "\r\n").repeat(20) + "0\r\n\r\n");
        assertVictimUnchanged();
        assertThat(SIDECAR.check(VICTIM, "search").status()).as("still serving").isEqualTo(200);
    }

    @Test
    void aSmuggledSecondRequestIsNeverAnAdminCall() {
        String smuggled = "PUT /admin/users/" + VICTIM + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + SIDECAR.adminToken() + "\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"tier\":\"pro\"}";
        String first = "{\"user_id\":\"smuggler\",\"api_id\":\"search\"}";
        RawHttp.exchange(SIDECAR.port(), "POST /api/rate-limits/check HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + first.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + first + smuggled, 3000);
        RawHttp.exchange(SIDECAR.port(), "POST /api/rate-limits/check HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + first.length() + "\r\n\r\n" + first + smuggled, 3000);
        assertVictimUnchanged();
    }

    @Test
    void aClientDrippingItsHeadersIsCutOff() throws Exception {
        byte[] request = ("POST /api/rate-limits/acquire HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Padding: " + "p".repeat(40) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        boolean cut = false;
        try (Socket s = new Socket("127.0.0.1", SIDECAR.port())) {
            OutputStream out = s.getOutputStream();
            // One byte every 100 ms: never idle for long, but the headers take ~10 s in all.
            for (byte b : request) {
                try {
                    out.write(b);
                    out.flush();
                } catch (java.io.IOException e) {
                    cut = true;
                    break;
                }
                Thread.sleep(100);
                if (s.getInputStream().available() > 0) {
                    break;
                }
            }
            if (!cut) {
                RawHttp.Answer a = RawHttp.read(s, 3000);
                cut = a.closedByServer();
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(cut).as("the server closed the connection").isTrue();
        assertThat(seconds).as("within the 1 s read timeout plus the sweep, not after the whole drip").isLessThan(6);
    }

    @Test
    void manyHalfOpenClientsDoNotStopTheServer() throws Exception {
        List<Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket("127.0.0.1", SIDECAR.port());
                s.getOutputStream().write("POST /api/rate-limits/acquire HTTP/1.1\r\nHost: localhost\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                stalled.add(s);
            }
            assertThat(SIDECAR.check(VICTIM, "search").status()).as("served beside 200 stalled clients").isEqualTo(200);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }
}
