-- The content of the last batch applied per (user, epoch): when two copies of a user's entry send
-- the same (epoch, seq) with different content (a partition or a frozen owner; one is always a
-- superset of the other), the ledger adds only what the second has beyond the first.
-- JSON array of [period_start_millis, api_id, requests, bandwidth_bytes, compute_ms].
ALTER TABLE ledger_cursor ADD COLUMN last_deltas jsonb NOT NULL DEFAULT '[]'::jsonb;
