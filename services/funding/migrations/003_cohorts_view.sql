-- Funding's local view of cohorts (schema cohorts_view): each lab cohort's host and the
-- days it started and completed, built from lab27.cohorts.events. An allocation is decided
-- with its host's latest lab (the tranches that cohort made due fall due with it). Workshops
-- unlock no tranche and get no row.
CREATE TABLE IF NOT EXISTS lab_cohorts (
    cohort_id       uuid PRIMARY KEY,
    host_member_id  uuid NOT NULL,
    started_on      date NOT NULL,
    completed_on    date                 -- NULL while it runs
);
CREATE INDEX IF NOT EXISTS lab_cohorts_by_host ON lab_cohorts (host_member_id, started_on DESC, cohort_id);
