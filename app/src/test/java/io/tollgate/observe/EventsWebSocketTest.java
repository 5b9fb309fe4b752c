package io.tollgate.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tollgate.observe.PromText.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * /api/events delivers a denial to a connected client as JSON, and the connection gauge follows. Only a client
 * with the token connects, and at most tollgate.events.max-clients at once.
 */
class EventsWebSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestSidecar sidecar;

    @BeforeAll
    static void start() {
        sidecar = TestSidecar.start(Map.of("tollgate.events.max-clients", "2"));
    }

    @AfterAll
    static void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
    }

    @Test
    void aDenialReachesAConnectedClient() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket ws = connect("Bearer " + TestSidecar.ADMIN_TOKEN, messages).get(10, TimeUnit.SECONDS);
        JsonNode hello = JSON.readTree(messages.poll(10, TimeUnit.SECONDS));
        assertThat(hello.get("type").asText()).isEqualTo("hello");
        sidecar.scrapeUntil("one events connection", s -> value(s, "tollgate_events_connections").orElse(-1.0) == 1.0);

        // FREE allows 10 a minute: the 11th acquire is denied by the minute window.
        for (int i = 0; i < 10; i++) {
            assertThat(sidecar.acquire("ws-user", "ws-api").statusCode()).isEqualTo(200);
        }
        assertThat(sidecar.acquire("ws-user", "ws-api").statusCode()).isEqualTo(429);

        JsonNode denial = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (denial == null && System.nanoTime() < deadline) {
            String m = messages.poll(1, TimeUnit.SECONDS);
            if (m != null && JSON.readTree(m).get("type").asText().equals("denial")) {
                denial = JSON.readTree(m);
            }
        }
        assertThat(denial).as("a denial event within 10 s").isNotNull();
        assertThat(denial.get("user_id").asText()).isEqualTo("ws-user");
        assertThat(denial.get("api_id").asText()).isEqualTo("ws-api");
        assertThat(denial.get("tier").asText()).isEqualTo("free");
        assertThat(denial.get("outcome").asText()).isEqualTo("denied_rate");
        assertThat(denial.get("window").asText()).isEqualTo("minute");
        assertThat(denial.get("limit").asLong()).isEqualTo(10);
        assertThat(messages.poll(300, TimeUnit.MILLISECONDS)).as("exactly one denial").isNull();
        assertThat(value(sidecar.scrape(), "tollgate_events_sent_total", "type", "denial")).contains(1.0);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        sidecar.scrapeUntil("no events connection", s -> value(s, "tollgate_events_connections").orElse(-1.0) == 0.0);
    }

    private static java.util.concurrent.CompletableFuture<WebSocket> connect(String authorization,
                                                                            BlockingQueue<String> messages) {
        WebSocket.Builder b = sidecar.http.newWebSocketBuilder();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + sidecar.port() + "/api/events"), new Collector(messages));
    }

    @Test
    void withoutTheTokenNoClientConnects() throws Exception {
        for (String auth : new String[] {null, "Bearer wrong-token", "Basic " + TestSidecar.ADMIN_TOKEN}) {
            assertThat(connect(auth, new LinkedBlockingQueue<>()))
                    .as("upgrade with Authorization %s", auth)
                    .failsWithin(10, TimeUnit.SECONDS);
        }
        // The scheme word in any case (RFC 9110).
        WebSocket ws = connect("bearer " + TestSidecar.ADMIN_TOKEN, new LinkedBlockingQueue<>()).join();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void clientsBeyondTheCapAreRefused() throws Exception {
        sidecar.scrapeUntil("no events connection", s -> value(s, "tollgate_events_connections").orElse(-1.0) == 0.0);
        WebSocket first = connect("Bearer " + TestSidecar.ADMIN_TOKEN, new LinkedBlockingQueue<>()).get(10, TimeUnit.SECONDS);
        WebSocket second = connect("Bearer " + TestSidecar.ADMIN_TOKEN, new LinkedBlockingQueue<>()).get(10, TimeUnit.SECONDS);
        sidecar.scrapeUntil("two events connections", s -> value(s, "tollgate_events_connections").orElse(-1.0) == 2.0);
        assertThat(connect("Bearer " + TestSidecar.ADMIN_TOKEN, new LinkedBlockingQueue<>()))
                .as("a third client with max-clients 2").failsWithin(10, TimeUnit.SECONDS);
        first.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        second.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        sidecar.scrapeUntil("no events connection", s -> value(s, "tollgate_events_connections").orElse(-1.0) == 0.0);
    }

    /** Collects whole text messages (the client may deliver one in parts). */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<String> messages;
        private final StringBuilder partial = new StringBuilder();

        Collector(BlockingQueue<String> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
