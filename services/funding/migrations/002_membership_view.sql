-- Funding's local view of membership (schema membership_view): the association's members
-- and their standing, built from lab27.membership.events. Only the association scheme.
CREATE TABLE IF NOT EXISTS administrations (
    member_id     uuid PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    status        text NOT NULL,         -- active | suspended | left
    status_since  date NOT NULL
);
