-- The usage ledger billing reads: one row per user, billing period and API.
CREATE TABLE usage_ledger (
    user_id         text NOT NULL,
    period_start    timestamptz NOT NULL,
    api_id          text NOT NULL,
    period_end      timestamptz NOT NULL,
    requests        bigint NOT NULL DEFAULT 0,
    bandwidth_bytes bigint NOT NULL DEFAULT 0,
    compute_ms      bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, period_start, api_id),
    CHECK (period_end > period_start)
);

-- Exactly-once bookkeeping: the last batch applied per user and cluster-entry incarnation (epoch).
-- A batch (user, epoch, seq) is applied only if seq is greater than last_seq: re-sent batches change nothing.
-- One row per incarnation of a user's entry, so it is bounded and needs no retention sweep within a period.
CREATE TABLE ledger_cursor (
    user_id    text NOT NULL,
    epoch      text NOT NULL,
    last_seq   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, epoch)
);

-- Corrections to closed periods are recorded here, never by editing usage_ledger in place.
CREATE TABLE ledger_adjustment (
    id              bigserial PRIMARY KEY,
    user_id         text NOT NULL,
    period_start    timestamptz NOT NULL,
    api_id          text NOT NULL,
    requests        bigint NOT NULL DEFAULT 0,
    bandwidth_bytes bigint NOT NULL DEFAULT 0,
    compute_ms      bigint NOT NULL DEFAULT 0,
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_adjustment_user_period ON ledger_adjustment (user_id, period_start);
