-- Policies set by the marketplace's admins. Users without a row are FREE with the tier defaults.
CREATE TABLE user_policy (
    user_id            text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 256),
    tier               text NOT NULL CHECK (tier IN ('free', 'basic', 'pro', 'enterprise')),
    multiplier         double precision NOT NULL DEFAULT 1 CHECK (multiplier > 0 AND multiplier <= 1000),
    billing_anchor_day smallint NOT NULL DEFAULT 1 CHECK (billing_anchor_day BETWEEN 1 AND 31),
    billing_time_zone  text NOT NULL DEFAULT 'UTC',
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Custom rate limits: per user on all APIs (api_id = '') or per user and API.
CREATE TABLE user_limit (
    user_id     text NOT NULL,
    api_id      text NOT NULL DEFAULT '',
    time_window text NOT NULL CHECK (time_window IN ('second', 'minute', 'hour', 'day', 'month')),
    max_units   bigint NOT NULL CHECK (max_units > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, api_id, time_window)
);

-- Global limits per API (all users together).
CREATE TABLE api_limit (
    api_id      text NOT NULL,
    time_window text NOT NULL CHECK (time_window IN ('second', 'minute', 'hour', 'day', 'month')),
    max_units   bigint NOT NULL CHECK (max_units > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_id, time_window)
);

-- Custom monthly quotas, replacing the tier's.
CREATE TABLE user_quota (
    user_id         text PRIMARY KEY,
    requests        bigint NOT NULL CHECK (requests >= 0),
    bandwidth_bytes bigint NOT NULL CHECK (bandwidth_bytes >= 0),
    compute_ms      bigint NOT NULL CHECK (compute_ms >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
