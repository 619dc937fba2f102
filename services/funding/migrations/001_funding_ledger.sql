-- The funding ledger read model (schema funding_ledger, set as search_path by the runner).
-- Money columns are integer cents beside the row's currency. Totals (allocated, disbursed,
-- frozen, remaining) are queries over the allocations rows, never stored twice.
CREATE TABLE IF NOT EXISTS grants (
    grant_id          uuid PRIMARY KEY,
    funder            text NOT NULL,
    currency          text NOT NULL,
    awarded_cents     bigint NOT NULL,
    awarded_on        date NOT NULL,
    administrations   int NOT NULL,      -- how many administrations the grant funds
    funder_share_bp   int NOT NULL,      -- 4500 = 45% of each lab's cost
    first_tranche_bp  int NOT NULL,
    version           int NOT NULL,      -- the grant stream's version: a command's expected_version
    position          bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_by_award ON grants (awarded_on, grant_id);

CREATE TABLE IF NOT EXISTS designations (
    grant_id     uuid NOT NULL,
    due_by       date NOT NULL,
    count        int NOT NULL,           -- as recorded
    outstanding  int NOT NULL,           -- not yet closed by an allocation
    PRIMARY KEY (grant_id, due_by)
);

CREATE TABLE IF NOT EXISTS allocations (
    grant_id          uuid NOT NULL,
    member_id         uuid NOT NULL,
    administration    text NOT NULL,
    currency          text NOT NULL,
    allocation_cents  bigint NOT NULL,   -- the funder's part
    cost_cents        bigint NOT NULL,
    local_part_cents  bigint NOT NULL,   -- cost - allocation
    funder_share_bp   int NOT NULL,
    allocated_on      date NOT NULL,
    first_tranche_cents bigint NOT NULL, -- due when the administration's cohort starts
    final_tranche_cents bigint NOT NULL, -- due when it completes
    pledged_cents     bigint,            -- NULL until the administration pledges
    pledged_on        date,
    disbursed_cents   bigint NOT NULL,
    frozen_cents      bigint,            -- NULL unless frozen: what was undisbursed
    frozen_reason     text,
    frozen_on         date,
    PRIMARY KEY (grant_id, member_id)
);
CREATE INDEX IF NOT EXISTS allocations_by_member ON allocations (member_id);
CREATE INDEX IF NOT EXISTS allocations_by_name ON allocations (grant_id, administration, member_id);

-- A tranche's row exists from when it falls due.
CREATE TABLE IF NOT EXISTS tranches (
    grant_id      uuid NOT NULL,
    member_id     uuid NOT NULL,
    tranche       text NOT NULL,         -- first | final
    currency      text NOT NULL,
    amount_cents  bigint NOT NULL,
    status        text NOT NULL,         -- due | disbursed
    due_on        date NOT NULL,
    cohort_id     uuid,                  -- the cohort that made it due, when known
    disbursed_on  date,
    PRIMARY KEY (grant_id, member_id, tranche)
);
CREATE INDEX IF NOT EXISTS tranches_due ON tranches (status, due_on, grant_id, member_id, tranche);
