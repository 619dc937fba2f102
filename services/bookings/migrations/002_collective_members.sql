-- The local view of membership (schema collective_members): the organisations of the
-- halles-civiques collective and where each is in its lifecycle, from lab27.membership.events.
CREATE TABLE IF NOT EXISTS members (
    member_id      uuid PRIMARY KEY,
    name           text NOT NULL,
    status         text NOT NULL,      -- active | suspended | left
    status_reason  text,
    since          date NOT NULL,      -- date of the last change of status
    version        int NOT NULL
);
