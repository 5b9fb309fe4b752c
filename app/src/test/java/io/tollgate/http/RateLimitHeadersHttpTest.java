package io.tollgate.http;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.tollgate.grpc.EnvoyClient;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.NumberItem;
import org.greenbytes.http.sfv.OuterList;
import org.greenbytes.http.sfv.Parser;
import org.greenbytes.http.sfv.StringItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IETF RateLimit and RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers-11) next to X-RateLimit-*,
 * read with a maintained RFC 8941 Structured Field parser; and tollgate.http.ratelimit-headers choosing the family.
 */
class RateLimitHeadersHttpTest {
    @RegisterExtension
    static final RunningSidecar BOTH = RunningSidecar.builder().build();

    @RegisterExtension
    static final RunningSidecar IETF = RunningSidecar.builder().set("tollgate.http.ratelimit-headers", "ietf").build();

    @RegisterExtension
    static final RunningSidecar LEGACY = RunningSidecar.builder().set("tollgate.http.ratelimit-headers", "legacy").build();

    /** One parsed item: its name and its integer parameters. */
    record Item(String name, Map<String, Long> params) {
    }

    static Map<String, Item> parse(String field) {
        OuterList list = Parser.parseList(field);
        Map<String, Item> items = new LinkedHashMap<>();
        for (ListElement<?> e : list.get()) {
            assertThat(e).as("each member is a String item: %s", field).isInstanceOf(StringItem.class);
            Map<String, Long> params = new LinkedHashMap<>();
            e.getParams().forEach((k, v) -> params.put(k, ((NumberItem<?>) v).getAsLong()));
            items.put(((StringItem) e).get(), new Item(((StringItem) e).get(), params));
        }
        return items;
    }

    @Test
    void policyListsEveryLimitThatAppliesAndRateLimitTheClosestToDenying() {
        String user = "hdr-both";
        assertThat(BOTH.admin("PUT", "/admin/users/" + user + "/apis/reports/limits/minute", Map.of("limit", 4)).status())
                .isEqualTo(200);
        assertThat(BOTH.admin("PUT", "/admin/apis/reports/limits/hour", Map.of("limit", 500)).status()).isEqualTo(200);
        Reply r = BOTH.acquire(user, "reports");
        assertThat(r.status()).as("%s", r).isEqualTo(200);

        Map<String, Item> policy = parse(r.header("RateLimit-Policy").orElseThrow());
        assertThat(policy.keySet()).containsExactlyInAnyOrder("minute", "hour", "day", "api-minute", "global-hour", "quota");
        assertThat(policy.get("minute").params()).containsEntry("q", 10L).containsEntry("w", 60L);
        assertThat(policy.get("hour").params()).containsEntry("q", 100L).containsEntry("w", 3600L);
        assertThat(policy.get("day").params()).containsEntry("q", 1000L).containsEntry("w", 86400L);
        assertThat(policy.get("api-minute").params()).containsEntry("q", 4L).containsEntry("w", 60L);
        assertThat(policy.get("global-hour").params()).containsEntry("q", 500L).containsEntry("w", 3600L);
        assertThat(policy.get("quota").params()).containsEntry("q", 10_000L);
        assertThat(policy.get("quota").params().get("w")).as("a billing month in seconds")
                .isBetween(28L * 86400, 31L * 86400);

        Map<String, Item> rateLimit = parse(r.header("RateLimit").orElseThrow());
        assertThat(rateLimit).containsOnlyKeys("api-minute");
        assertThat(rateLimit.get("api-minute").params()).containsEntry("r", 3L);
        assertThat(rateLimit.get("api-minute").params().get("t")).isBetween(0L, 62L);
        assertThat(r.header("X-RateLimit-Remaining")).as("legacy beside it").hasValue("3");
        assertThat(r.header("X-RateLimit-Limit")).hasValue("4");
    }

    @Test
    void aDenialNamesTheDenyingLimitWithNothingLeft() {
        String user = "hdr-deny";
        for (int i = 0; i < 10; i++) {
            BOTH.acquire(user, "search");
        }
        Reply denied = BOTH.acquire(user, "search");
        assertThat(denied.status()).isEqualTo(429);
        Map<String, Item> rateLimit = parse(denied.header("RateLimit").orElseThrow());
        assertThat(rateLimit.get("minute").params()).containsEntry("r", 0L);
        assertThat(rateLimit.get("minute").params().get("t")).isBetween(1L, 62L);
        assertThat(denied.header("Retry-After")).isPresent();
    }

    @Test
    void ietfAloneLeavesOutTheLegacyFields() {
        Reply r = IETF.acquire("hdr-ietf", "search");
        assertThat(r.status()).isEqualTo(200);
        assertThat(parse(r.header("RateLimit").orElseThrow()).get("minute").params()).containsEntry("r", 9L);
        assertThat(parse(r.header("RateLimit-Policy").orElseThrow())).containsKey("minute");
        assertThat(r.header("X-RateLimit-Limit")).isEmpty();
        assertThat(r.header("X-RateLimit-Remaining")).isEmpty();
    }

    @Test
    void legacyAloneLeavesOutTheIetfFields() {
        Reply r = LEGACY.acquire("hdr-legacy", "search");
        assertThat(r.header("X-RateLimit-Remaining")).hasValue("9");
        assertThat(r.header("RateLimit")).isEmpty();
        assertThat(r.header("RateLimit-Policy")).isEmpty();
    }

    @Test
    void grpcCarriesTheSameFieldsToAdd() {
        try (EnvoyClient client = new EnvoyClient(BOTH.tollgate().grpcPort())) {
            RateLimitResponse r = client.shouldRateLimit(EnvoyClient.request("tollgate",
                    EnvoyClient.descriptor("user_id", "hdr-grpc", "api_id", "search")));
            Map<String, String> headers = EnvoyClient.headers(r);
            assertThat(parse(headers.get("RateLimit")).get("minute").params()).containsEntry("r", 9L);
            assertThat(parse(headers.get("RateLimit-Policy")).get("minute").params()).containsEntry("q", 10L);
            assertThat(headers).containsEntry("X-RateLimit-Remaining", "9");
        }
    }
}
