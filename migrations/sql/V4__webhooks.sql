-- Webhook endpoints registered by the marketplace's admins.
-- status: active (delivered to), paused (by an admin; deliveries wait), disabled (the receiver answered 410).
-- A rotated secret keeps signing beside the new one until previous_secret_until.
CREATE TABLE webhook_endpoint (
    id                    text PRIMARY KEY,
    url                   text NOT NULL,
    events                text[] NOT NULL,
    description           text NOT NULL DEFAULT '',
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    secret                text NOT NULL,
    previous_secret       text,
    previous_secret_until timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one row per event to deliver, written in the transaction that caused it (a ledger flush) or by
-- the member that saw it. message_id is the webhook-id header and body the exact bytes signed, the same on
-- every attempt to every endpoint.
-- dedupe_key (nullable) makes an event at most once across the cluster (quota thresholds, member changes).
CREATE TABLE webhook_event (
    id          bigserial PRIMARY KEY,
    message_id  text NOT NULL UNIQUE,
    type        text NOT NULL,
    body        text NOT NULL,
    dedupe_key  text UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per event and endpoint. A member leases a due row (lease_owner, lease_until) before it sends, so one
-- member sends it; a lease left by a dead member expires and another member sends it (same message_id).
-- state: pending (waiting for next_attempt_at), delivered, dead (every attempt of the schedule failed),
-- cancelled (the endpoint was deleted).
CREATE TABLE webhook_delivery (
    id                 bigserial PRIMARY KEY,
    event_id           bigint NOT NULL REFERENCES webhook_event (id) ON DELETE CASCADE,
    endpoint_id        text NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    state              text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts           int NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz NOT NULL DEFAULT now(),
    lease_owner        text,
    lease_until        timestamptz,
    last_attempt_at    timestamptz,
    last_status        int,
    last_error         text,
    delivered_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, id);

-- The billing export reads one period of every user.
CREATE INDEX usage_ledger_period ON usage_ledger (period_start, user_id, api_id);
CREATE INDEX ledger_adjustment_period ON ledger_adjustment (period_start, user_id, api_id);
