-- The member directory read model (schema member_directory, set as search_path by the runner).
CREATE TABLE IF NOT EXISTS members (
    member_id       uuid PRIMARY KEY,
    scheme          text NOT NULL,
    kind            text NOT NULL,
    name            text NOT NULL,
    name_search     text NOT NULL,      -- normalised name: accent- and case-insensitive search
    siren           text,
    identity_key    text NOT NULL,
    territory       text NOT NULL,
    contacts        jsonb NOT NULL,
    status          text NOT NULL,
    status_reason   text,
    admitted_on     date NOT NULL,
    left_on         date,
    dues_paid_until int NOT NULL,
    version         int NOT NULL,       -- stream version last applied: guards replays
    position        bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS members_filter ON members (scheme, kind, status, name_search);
