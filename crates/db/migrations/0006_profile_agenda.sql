-- The customer profile and the agenda: vehicles owned and of interest,
-- interactions [atendimentos], appointments [agendamentos] with their
-- users, each user's calendar feed, the organisation's time zone and
-- working hours, and each party's history of movements.
ALTER TABLE organisations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Sao_Paulo';
ALTER TABLE organisations ADD COLUMN work_opens TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE organisations ADD COLUMN work_closes TEXT NOT NULL DEFAULT '18:00';
ALTER TABLE organisations ADD COLUMN work_days TEXT NOT NULL DEFAULT '12345';

CREATE TABLE vehicles (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    plate TEXT,
    vin TEXT,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    model_year BIGINT,
    colour TEXT NOT NULL,
    mileage_km BIGINT,
    bought_here BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by_label TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX vehicles_party ON vehicles (org_id, party_id);
CREATE INDEX vehicles_plate ON vehicles (org_id, plate);

CREATE TABLE vehicle_interests (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    year_from BIGINT,
    year_to BIGINT,
    price_min BIGINT,
    price_max BIGINT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX vehicle_interests_party ON vehicle_interests (org_id, party_id);

-- The organisation's own natures and statuses of interactions; empty means
-- the built-in ones.
CREATE TABLE interaction_options (
    org_id UUID NOT NULL REFERENCES organisations (id),
    list TEXT NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (org_id, list, code)
);

CREATE TABLE interactions (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    nature TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    responsible_id UUID NOT NULL REFERENCES users (id),
    due_on DATE,
    description TEXT NOT NULL,
    vehicle_id UUID REFERENCES vehicles (id),
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by_label TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX interactions_party ON interactions (org_id, party_id, created_at);
CREATE INDEX interactions_responsible ON interactions (org_id, responsible_id, status);

-- A series is one row: `first_*` is its first occurrence, `rrule` the
-- rule (NULL for a single one), `last_ends_at` the end of its last
-- occurrence, so a range query finds series without expanding them.
CREATE TABLE appointments (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID REFERENCES parties (id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    notes TEXT NOT NULL,
    first_starts_at TIMESTAMPTZ NOT NULL,
    first_ends_at TIMESTAMPTZ NOT NULL,
    last_ends_at TIMESTAMPTZ NOT NULL,
    time_zone TEXT NOT NULL,
    rrule TEXT,
    interaction_id UUID REFERENCES interactions (id),
    vehicle_id UUID REFERENCES vehicles (id),
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL,
    cancelled_at TIMESTAMPTZ,
    cancelled_by_label TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by_label TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX appointments_party ON appointments (org_id, party_id, first_starts_at);

CREATE TABLE appointment_users (
    org_id UUID NOT NULL REFERENCES organisations (id),
    appointment_id UUID NOT NULL REFERENCES appointments (id),
    user_id UUID NOT NULL REFERENCES users (id),
    first_starts_at TIMESTAMPTZ NOT NULL,
    last_ends_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (appointment_id, user_id)
);
-- A user's agenda for a period reads this index alone.
CREATE INDEX appointment_users_agenda ON appointment_users (org_id, user_id, first_starts_at, last_ends_at);

CREATE TABLE calendar_feeds (
    user_id UUID PRIMARY KEY REFERENCES users (id),
    org_id UUID NOT NULL REFERENCES organisations (id),
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);

CREATE TABLE party_events (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    subject_id UUID,
    actor_label TEXT NOT NULL
);
CREATE INDEX party_events_party ON party_events (org_id, party_id, at);
