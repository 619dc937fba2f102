-- The cohort directory read model (schema cohort_directory, set as search_path by the runner):
-- one row per cohort, its sprints and its coaches. Progress, cohorts by host and status, and
-- a host's history are queries over these rows and the roster's (application/queries.py).
CREATE TABLE IF NOT EXISTS cohorts (
    cohort_id                uuid PRIMARY KEY,
    host_member_id           uuid NOT NULL,
    kind                     text NOT NULL,
    theme                    text NOT NULL,
    project_statement        text NOT NULL,
    status                   text NOT NULL,
    status_since             date NOT NULL,
    hold_reason              text,               -- set while on hold
    planned_start            date NOT NULL,
    planned_end              date NOT NULL,      -- moves with the actual start
    duration_months          int,                -- a lab's
    duration_days            int,                -- a workshop's
    duration_override_reason text,
    capacity                 int NOT NULL,
    absence_budget_days      int NOT NULL,
    opened_on                date NOT NULL,
    started_on               date,
    completed_on             date,
    version                  int NOT NULL,       -- the cohort stream's version: expected_version for commands
    position                 bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS cohorts_by_host ON cohorts (host_member_id, planned_start, cohort_id);
CREATE INDEX IF NOT EXISTS cohorts_by_status ON cohorts (status, planned_start, cohort_id);

CREATE TABLE IF NOT EXISTS sprints (
    cohort_id  uuid NOT NULL,
    number     int NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    prototype  text NOT NULL,
    outcome    text NOT NULL,
    PRIMARY KEY (cohort_id, number)
);

CREATE TABLE IF NOT EXISTS coaches (
    cohort_id   uuid NOT NULL,
    coach_key   text NOT NULL,                  -- the name casefolded: one coach per name
    coach_name  text NOT NULL,
    discipline  text NOT NULL,
    assigned_on date NOT NULL,
    PRIMARY KEY (cohort_id, coach_key)
);
