-- Agents' keys (crypto-shredding, see services/cohorts/application/personal_data.py).
-- Not event-sourced, never projected, never exported: deleting a row (then VACUUM FULL)
-- makes that agent's sealed personal data unreadable everywhere, for ever.
CREATE TABLE IF NOT EXISTS agent_keys (
    key_id      uuid PRIMARY KEY,
    agent_id    uuid NOT NULL UNIQUE,
    cohort_id   uuid NOT NULL,
    fingerprint bytea NOT NULL,          -- who the person is in this cohort (SHA-256), to refuse a second enrolment
    key         bytea NOT NULL CHECK (length(key) = 32),  -- AES-256-GCM
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cohort_id, fingerprint)
);
