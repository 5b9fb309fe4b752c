package io.tollgate.grpc;

import com.google.protobuf.Descriptors;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RlsProto;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.helidon.webserver.grpc.GrpcService;
import io.tollgate.core.Decision;
import io.tollgate.core.Outcome;
import io.tollgate.core.Window;
import io.tollgate.decide.CallRequest;
import io.tollgate.decide.DecisionResult;
import io.tollgate.decide.DecisionService;
import io.tollgate.decide.RateLimitFields;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}: Envoy's descriptors as acquires.
 *
 * <p>Each descriptor is one call: the entry under {@link GrpcSettings#userKey} names the user, the one under
 * {@link GrpcSettings#apiKey} the API, an optional {@link GrpcSettings#requestIdKey} entry makes it idempotent,
 * and its {@code hits_addend} (else the request's, else 1) is the cost. A descriptor with an API and no user is
 * the API's global limits alone. The descriptors of one request are decided all or nothing by
 * {@link DecisionService#acquireAll}. A domain other than the configured one, or a descriptor that cannot be
 * mapped, is refused with {@code INVALID_ARGUMENT}; a failure-closed or shed answer is {@code UNAVAILABLE}, so
 * that Envoy's {@code failure_mode_deny} decides, as the HTTP front's 503 lets its callers decide.
 */
public final class EnvoyRateLimitService implements GrpcService {
    /** The same bound as the JSON API's cost. */
    static final long MAX_COST = 1_000_000;
    private static final int MAX_ID_LENGTH = 256;

    private final DecisionService decisions;
    private final GrpcSettings settings;
    private final RateLimitFields.Style headerStyle;

    public EnvoyRateLimitService(DecisionService decisions, GrpcSettings settings, RateLimitFields.Style headerStyle) {
        this.decisions = decisions;
        this.settings = settings;
        this.headerStyle = headerStyle;
    }

    @Override
    public Descriptors.FileDescriptor proto() {
        return RlsProto.getDescriptor();
    }

    @Override
    public String serviceName() {
        return "RateLimitService";
    }

    @Override
    public void update(Routing routing) {
        routing.unary("ShouldRateLimit", this::shouldRateLimit);
    }

    private void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> observer) {
        List<CallRequest> calls;
        try {
            calls = calls(request);
        } catch (IllegalArgumentException e) {
            observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        List<DecisionResult> results = decisions.acquireAll(calls);
        DecisionResult deciding = null;
        for (DecisionResult r : results) {
            if (r == null) {
                continue;
            }
            Outcome o = r.decision().outcome();
            if (o == Outcome.FAILURE_CLOSED || o == Outcome.SHED) {
                observer.onError(Status.UNAVAILABLE.withDescription(o == Outcome.SHED
                        ? "the member that would keep a new user's counters is short of memory; nothing was counted"
                        : "the cluster could not decide within the decision timeout (failure policy: closed)")
                        .asRuntimeException());
                return;
            }
            deciding = closerToDenying(deciding, r);
        }
        RateLimitResponse.Builder response = RateLimitResponse.newBuilder();
        boolean allAllowed = true;
        long now = System.currentTimeMillis();
        for (DecisionResult r : results) {
            response.addStatuses(status(r, now));
            allAllowed &= r != null && r.decision().allowed();
        }
        response.setOverallCode(allAllowed ? RateLimitResponse.Code.OK : RateLimitResponse.Code.OVER_LIMIT);
        if (deciding != null) {
            RateLimitFields.write(deciding, headerStyle, (field, value) -> response.addResponseHeadersToAdd(
                    HeaderValue.newBuilder().setKey(RateLimitFields.NAMES[field]).setValue(value)));
        }
        observer.onNext(response.build());
        observer.onCompleted();
    }

    /** The descriptors as calls; {@link IllegalArgumentException} names what cannot be mapped. */
    List<CallRequest> calls(RateLimitRequest request) {
        if (!settings.domain().equals(request.getDomain())) {
            throw new IllegalArgumentException("domain '" + request.getDomain() + "' is not configured; this sidecar"
                    + " answers domain '" + settings.domain() + "' (tollgate.grpc.domain)");
        }
        if (request.getDescriptorsCount() == 0) {
            throw new IllegalArgumentException("the request has no descriptors");
        }
        long requestCost = request.getHitsAddend() == 0 ? 1 : request.getHitsAddend();
        List<CallRequest> calls = new ArrayList<>(request.getDescriptorsCount());
        for (int i = 0; i < request.getDescriptorsCount(); i++) {
            calls.add(call(request.getDescriptors(i), i, requestCost, request.getDescriptorsCount() > 1));
        }
        return calls;
    }

    private CallRequest call(RateLimitDescriptor descriptor, int index, long requestCost, boolean several) {
        String where = "descriptor " + index;
        if (descriptor.hasLimit()) {
            throw new IllegalArgumentException(where + ": limit overrides are not supported; limits are set with"
                    + " the admin API");
        }
        String user = null;
        String api = null;
        String requestId = null;
        for (RateLimitDescriptor.Entry e : descriptor.getEntriesList()) {
            String key = e.getKey();
            if (key.equals(settings.userKey())) {
                user = once(user, e, where);
            } else if (key.equals(settings.apiKey())) {
                api = once(api, e, where);
            } else if (key.equals(settings.requestIdKey())) {
                requestId = once(requestId, e, where);
            } else {
                throw new IllegalArgumentException(where + ": unknown entry key '" + key + "'; expected "
                        + settings.userKey() + ", " + settings.apiKey() + " and optionally " + settings.requestIdKey());
            }
        }
        if (api == null) {
            throw new IllegalArgumentException(where + ": no '" + settings.apiKey() + "' entry");
        }
        if (user == null && requestId != null) {
            throw new IllegalArgumentException(where + ": '" + settings.requestIdKey() + "' needs a '"
                    + settings.userKey() + "' entry");
        }
        long cost = requestCost;
        if (descriptor.hasHitsAddend()) {
            cost = descriptor.getHitsAddend().getValue();
            if (cost == 0) {
                throw new IllegalArgumentException(where + ": hits_addend 0 (a check) is not supported; use POST"
                        + " /api/rate-limits/check");
            }
        }
        if (cost < 1 || cost > MAX_COST) {
            throw new IllegalArgumentException(where + ": hits_addend must be between 1 and " + MAX_COST);
        }
        // One request_id names the whole request in Envoy's config: each descriptor gets its own operation.
        String id = requestId == null ? null : several ? requestId + "#" + index : requestId;
        return new CallRequest(user, api, cost, id);
    }

    private static String once(String seen, RateLimitDescriptor.Entry e, String where) {
        if (seen != null) {
            throw new IllegalArgumentException(where + ": entry '" + e.getKey() + "' appears twice");
        }
        String v = e.getValue();
        if (v.isBlank()) {
            throw new IllegalArgumentException(where + ": entry '" + e.getKey() + "' must not be empty");
        }
        if (v.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(where + ": entry '" + e.getKey() + "' must be at most "
                    + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            if (Character.isISOControl(v.charAt(i))) {
                throw new IllegalArgumentException(where + ": entry '" + e.getKey()
                        + "' must not contain control characters");
            }
        }
        return v;
    }

    /** A denial wins; among allowed calls, the one with the fewest units left. */
    private static DecisionResult closerToDenying(DecisionResult a, DecisionResult b) {
        if (a == null) {
            return b;
        }
        if (!a.decision().allowed()) {
            return a;
        }
        if (!b.decision().allowed()) {
            return b;
        }
        boolean aLimited = a.decision().limit() > 0;
        boolean bLimited = b.decision().limit() > 0;
        if (aLimited != bLimited) {
            return aLimited ? a : b;
        }
        return b.decision().remaining() < a.decision().remaining() ? b : a;
    }

    /** One descriptor's status; a descriptor left undecided (after a denial) is {@code UNKNOWN}. */
    private static RateLimitResponse.DescriptorStatus status(DecisionResult r, long now) {
        RateLimitResponse.DescriptorStatus.Builder s = RateLimitResponse.DescriptorStatus.newBuilder();
        if (r == null) {
            return s.setCode(RateLimitResponse.Code.UNKNOWN).build();
        }
        Decision d = r.decision();
        s.setCode(d.allowed() ? RateLimitResponse.Code.OK : RateLimitResponse.Code.OVER_LIMIT);
        if (d.limit() > 0) {
            s.setCurrentLimit(RateLimitResponse.RateLimit.newBuilder()
                    .setName(d.meter() != null ? "quota-" + d.meter().wireName()
                            : d.scope().wireName() + "-" + d.window().wireName())
                    .setRequestsPerUnit((int) Math.min(Integer.MAX_VALUE, d.limit()))
                    .setUnit(d.meter() != null ? RateLimitResponse.RateLimit.Unit.MONTH : unit(d.window())));
            s.setLimitRemaining((int) Math.min(Integer.MAX_VALUE, Math.max(0, d.remaining())));
            long untilReset = Math.max(0, d.resetAtMillis() - now);
            s.setDurationUntilReset(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(untilReset / 1000).setNanos((int) (untilReset % 1000) * 1_000_000));
        }
        return s.build();
    }

    private static RateLimitResponse.RateLimit.Unit unit(Window w) {
        return switch (w) {
            case SECOND -> RateLimitResponse.RateLimit.Unit.SECOND;
            case MINUTE -> RateLimitResponse.RateLimit.Unit.MINUTE;
            case HOUR -> RateLimitResponse.RateLimit.Unit.HOUR;
            case DAY -> RateLimitResponse.RateLimit.Unit.DAY;
            case MONTH -> RateLimitResponse.RateLimit.Unit.MONTH;
        };
    }
}
