-- The venue read model (schema venue, set as search_path by the runner): what the calendar,
-- the free-slot search and the bookings of an organisation read.
CREATE TABLE IF NOT EXISTS spaces (
    space_id            uuid PRIMARY KEY,
    name                text NOT NULL,
    capacity            int NOT NULL,
    -- [{"weekday": "monday", "isodow": 1, "opens": "09:00", "closes": "22:00"}, ...] (local times)
    opening_hours       jsonb NOT NULL,
    min_length_minutes  int NOT NULL,
    max_length_minutes  int NOT NULL,
    version             int NOT NULL,
    position            bigint NOT NULL
);

-- One row per space-day stream that has events: its version (what a command on that day
-- may pass as expected_version) and its closure.
CREATE TABLE IF NOT EXISTS space_days (
    space_id       uuid NOT NULL,
    day            date NOT NULL,        -- a local (Europe/Paris) date
    closed_reason  text,                 -- set: closed that day
    version        int NOT NULL,
    position       bigint NOT NULL,
    PRIMARY KEY (space_id, day)
);

CREATE TABLE IF NOT EXISTS bookings (
    booking_id       uuid PRIMARY KEY,
    space_id         uuid NOT NULL,
    day              date NOT NULL,        -- the local date the booking falls on
    organisation_id  uuid NOT NULL,
    title            text NOT NULL,
    attendance       int NOT NULL,
    starts_at        timestamptz NOT NULL, -- exact instants: ends_at - starts_at is the length
    ends_at          timestamptz NOT NULL,
    minutes          int NOT NULL,
    status           text NOT NULL,        -- booked | cancelled
    cancel_reason    text,
    position         bigint NOT NULL
);
-- The calendar of a space, and the free-slot search's "what is booked that day".
CREATE INDEX IF NOT EXISTS bookings_live_by_space_day ON bookings (space_id, day, starts_at) WHERE status = 'booked';
-- An organisation's bookings, and its hours booked in a month.
CREATE INDEX IF NOT EXISTS bookings_by_organisation ON bookings (organisation_id, starts_at);

CREATE TABLE IF NOT EXISTS organisations (
    organisation_id      uuid PRIMARY KEY,
    monthly_quota_hours  int,               -- NULL (or no row): no quota
    version              int NOT NULL,
    position             bigint NOT NULL
);
