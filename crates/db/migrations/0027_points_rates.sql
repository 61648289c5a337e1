-- Points per unit spent other than the program's, at one store, for one
-- product group, or both; the most specific one that matches an item
-- applies. One rate per store and group (an empty one standing for any).
CREATE TABLE points_rates (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    store_id UUID REFERENCES stores (id),
    group_id UUID REFERENCES catalogue_lists (id),
    points_per_unit BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX points_rates_scope ON points_rates (org_id, COALESCE(store_id, org_id), COALESCE(group_id, org_id));
