-- The local view of membership (schema collective_members): the organisations of the
-- halles-civiques collective and where each is in its lifecycle, from lab27.membership.events.
CREATE TABLE IF NOT EXISTS members (
    member_id      uuid PRIMARY KEY,
    name           text NOT NULL,
    status         text NOT NULL,      -- active | suspended | left
    status_reason  text,
    since          date NOT NULL,      -- date of the last change of status
    left_at        timestamptz,        -- a departure's business instant (MemberLeft's occurred_at)
    version        int NOT NULL
);
-- A view installed before left_at existed gains it (NULL until rebuilt: `lab27 rebuild`).
ALTER TABLE members ADD COLUMN IF NOT EXISTS left_at timestamptz;
