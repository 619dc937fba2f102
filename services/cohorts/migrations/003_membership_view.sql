-- Cohorts' local view of membership (schema membership_view), built from
-- lab27.membership.events: the association's members and their standing, read by the
-- application to decide whether a member may host a cohort. Never asks membership.
CREATE TABLE IF NOT EXISTS association_members (
    member_id     uuid PRIMARY KEY,
    name          text NOT NULL,
    status        text NOT NULL,                -- active | suspended | left
    status_reason text,
    admitted_on   date NOT NULL,
    left_on       date,
    version       int NOT NULL,                 -- the member stream's version last applied
    position      bigint NOT NULL
);
