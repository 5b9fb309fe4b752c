package io.tollgate.grpc;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A client of the sidecar's gRPC port built from Envoy's own generated API, as Envoy's ratelimit filter calls it. */
public final class EnvoyClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final RateLimitServiceGrpc.RateLimitServiceBlockingStub stub;

    public EnvoyClient(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        this.stub = RateLimitServiceGrpc.newBlockingStub(channel);
    }

    /** One descriptor from alternating keys and values: {@code descriptor("user_id", "alice", "api_id", "search")}. */
    public static RateLimitDescriptor descriptor(String... keysAndValues) {
        RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(keysAndValues[i]).setValue(keysAndValues[i + 1]));
        }
        return d.build();
    }

    public static RateLimitRequest request(String domain, RateLimitDescriptor... descriptors) {
        RateLimitRequest.Builder r = RateLimitRequest.newBuilder().setDomain(domain);
        for (RateLimitDescriptor d : descriptors) {
            r.addDescriptors(d);
        }
        return r.build();
    }

    public RateLimitResponse shouldRateLimit(RateLimitRequest request) {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS).shouldRateLimit(request);
    }

    /** The call with a W3C traceparent in its metadata, as Envoy sends it when it traces. */
    public RateLimitResponse shouldRateLimit(RateLimitRequest request, String traceparent) {
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(30, TimeUnit.SECONDS).shouldRateLimit(request);
    }

    /** The headers to add, by name (the last value of a repeated name). */
    public static Map<String, String> headers(RateLimitResponse response) {
        Map<String, String> out = new LinkedHashMap<>();
        response.getResponseHeadersToAddList().forEach(h -> out.put(h.getKey(), h.getValue()));
        return out;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
