-- How each person sees a list: the columns he chose, in his order; and
-- saved views, a name for a list's filters, sort and columns, kept for
-- oneself or shared with the organisation.
CREATE TABLE list_columns (
    org_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    list_key TEXT NOT NULL,
    columns TEXT NOT NULL,
    PRIMARY KEY (user_id, list_key)
);

CREATE TABLE saved_views (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    owner_id UUID NOT NULL REFERENCES users (id),
    list_key TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    columns TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_views_list ON saved_views (org_id, list_key, name);
