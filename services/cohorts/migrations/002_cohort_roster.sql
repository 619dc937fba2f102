-- The cohort roster read model (schema cohort_roster): one row per agent of a cohort and one
-- per absence log. An agent's name and email are here only sealed (personal_*), and not at
-- all once forgotten; they are opened at query time with the agent's key (agent_keys).
CREATE TABLE IF NOT EXISTS agents (
    cohort_id            uuid NOT NULL,
    agent_id             uuid NOT NULL,
    host_member_id       uuid NOT NULL,
    category             text NOT NULL,
    home_department      text NOT NULL,
    status               text NOT NULL,          -- enrolled | withdrawn
    enrolled_on          date NOT NULL,
    withdrawn_on         date,
    withdrawal_reason    text,
    personal_key_id      uuid,                   -- NULL once forgotten
    personal_ciphertext  text,                   -- NULL once forgotten
    forgotten            boolean NOT NULL,
    return_outcome       text,
    returned_on          date,
    PRIMARY KEY (cohort_id, agent_id)
);
CREATE INDEX IF NOT EXISTS agents_by_host ON agents (host_member_id);

-- A log is identified by (agent, day): the same log applied twice is one row.
CREATE TABLE IF NOT EXISTS absences (
    cohort_id  uuid NOT NULL,
    agent_id   uuid NOT NULL,
    day        date NOT NULL,
    days       int NOT NULL,
    PRIMARY KEY (cohort_id, agent_id, day)
);
