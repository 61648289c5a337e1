-- Contracts [contratos] (seed 001: archived and found again in one click):
-- a document attached to a party — its file kept in the database, so the
-- backup that keeps the party keeps it too — with its type, number, dates,
-- status, the quote (and order) it came from, and whose it is to renew.
-- `search_text` is the number and the party's name folded, for the
-- search box.
CREATE TABLE contracts (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    starts_on DATE NOT NULL,
    expires_on DATE,
    renews_on DATE,
    quote_id UUID REFERENCES quotes (id),
    order_id UUID REFERENCES orders (id),
    owner_id UUID REFERENCES users (id),
    notes TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    search_text TEXT NOT NULL,
    created_by UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- The day the owner was last told it expires soon: told once a day at most.
    reminded_on DATE,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX contracts_number ON contracts (org_id, number);
CREATE INDEX contracts_party ON contracts (party_id, starts_on);
CREATE INDEX contracts_expiry ON contracts (org_id, expires_on);
