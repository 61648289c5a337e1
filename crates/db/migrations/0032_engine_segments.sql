-- Segments of the relationship engine (seed 004): a name for a question
-- to the engine, kept for oneself or shared with the organisation. The
-- question is kept as the API writes it (JSON): campaigns and call lists
-- read it back without the screen.
CREATE TABLE engine_segments (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    owner_id UUID NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX engine_segments_by_name ON engine_segments (org_id, name);
