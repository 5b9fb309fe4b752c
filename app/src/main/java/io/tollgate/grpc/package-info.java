/**
 * The gRPC front: Envoy's Rate Limit Service v3 ({@code envoy.service.ratelimit.v3.RateLimitService}) on its own
 * port, a thin adapter from Envoy's descriptors to {@link io.tollgate.decide.DecisionService#acquireAll}, built on
 * Envoy's generated Java API. docs/grpc.md describes the mapping.
 */
package io.tollgate.grpc;
