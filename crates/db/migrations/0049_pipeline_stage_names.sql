-- An organisation's own names for the board's stages (domain::pipeline):
-- a dealership's "Test drive" for the qualification. A stage without a
-- row keeps the catalogue's name in the reader's language.
CREATE TABLE pipeline_stage_names (
    org_id UUID NOT NULL REFERENCES organisations (id),
    stage TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (org_id, stage)
);
