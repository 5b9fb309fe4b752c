/**
 * Webhooks: events the marketplace hears about without polling (quota thresholds, coalesced denials, member
 * changes, ledger flushes), written to a PostgreSQL outbox and delivered to registered endpoints, signed as
 * the Standard Webhooks specification says.
 *
 * <p>{@link io.tollgate.webhook.OutboxRepository} holds the tables (migrations/sql/V4__webhooks.sql);
 * {@link io.tollgate.webhook.WebhookEvents} takes events from the member's threads without blocking them and
 * writes them to the outbox; {@link io.tollgate.webhook.WebhookDispatcher} leases due deliveries and sends
 * them; {@link io.tollgate.webhook.WebhookSigner} signs; {@link io.tollgate.webhook.TargetPolicy} decides which
 * URLs may be called. The decision path knows nothing of this package: events reach it through
 * {@link io.tollgate.webhook.EventSink}, which observe feeds, and the ledger's {@link io.tollgate.ledger.FlushEvents}.
 */
package io.tollgate.webhook;
