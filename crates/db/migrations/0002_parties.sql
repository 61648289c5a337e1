-- The registry of parties [Cadastro de Pessoa]: people and companies,
-- their phones, e-mails, addresses, tags, consent ledger, notes,
-- relationships, custom fields and merges.
CREATE TABLE parties (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    lifecycle TEXT NOT NULL,
    prospect_state TEXT,
    customer_status TEXT,
    full_name TEXT NOT NULL,
    trade_name TEXT,
    sort_name TEXT NOT NULL,
    document_kind TEXT,
    document TEXT,
    birth_date DATE,
    sex TEXT,
    profession TEXT,
    football_team TEXT,
    shoe_size BIGINT,
    spouse_name TEXT,
    spouse_birth_date DATE,
    seller_id UUID REFERENCES users (id),
    credit_bureau_status TEXT,
    agreement TEXT,
    credit_complement TEXT,
    revolving_credit_limit BIGINT,
    company_sector TEXT,
    city TEXT NOT NULL DEFAULT '',
    city_key TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT '',
    consent_sms_whatsapp BOOLEAN NOT NULL DEFAULT FALSE,
    consent_email BOOLEAN NOT NULL DEFAULT FALSE,
    consent_phone BOOLEAN NOT NULL DEFAULT FALSE,
    consent_letter BOOLEAN NOT NULL DEFAULT FALSE,
    search_text TEXT NOT NULL,
    search_rowid BIGINT NOT NULL,
    merged_into UUID,
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX parties_document ON parties (org_id, document) WHERE document IS NOT NULL AND merged_into IS NULL;
-- List indexes cover live parties only: lists and counts never look at
-- merged or archived rows, so a count is an index-only scan.
CREATE INDEX parties_org_name ON parties (org_id, sort_name, id) WHERE merged_into IS NULL AND archived_at IS NULL;
CREATE INDEX parties_org_state_name ON parties (org_id, state, sort_name, id) WHERE merged_into IS NULL AND archived_at IS NULL;
CREATE INDEX parties_org_city_name ON parties (org_id, city_key, sort_name, id) WHERE merged_into IS NULL AND archived_at IS NULL;
CREATE INDEX parties_seller ON parties (org_id, seller_id, sort_name, id) WHERE merged_into IS NULL AND archived_at IS NULL;
CREATE UNIQUE INDEX parties_search_rowid ON parties (search_rowid);

-- [sqlite]
-- Full-text search, SQLite side: a contentless FTS5 index keyed by the
-- party's search_rowid (a stable 64-bit key; plain rowids may change on
-- VACUUM). Prefix indexes make "mar*" one doclist read while typing.
-- Tenancy is checked on the joined party row, not inside the index: a
-- tenant token would make every query intersect a doclist as long as
-- the organisation.
CREATE VIRTUAL TABLE search_fts_parties USING fts5 (
    search_text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER parties_search_insert AFTER INSERT ON parties BEGIN
    INSERT INTO search_fts_parties (rowid, search_text) VALUES (new.search_rowid, new.search_text);
END;
CREATE TRIGGER parties_search_update AFTER UPDATE OF search_text, merged_into, archived_at ON parties BEGIN
    DELETE FROM search_fts_parties WHERE rowid = old.search_rowid;
    INSERT INTO search_fts_parties (rowid, search_text)
    SELECT new.search_rowid, new.search_text WHERE new.merged_into IS NULL AND new.archived_at IS NULL;
END;
CREATE TRIGGER parties_search_delete AFTER DELETE ON parties BEGIN
    DELETE FROM search_fts_parties WHERE rowid = old.search_rowid;
END;
-- [postgres]
-- Full-text search, PostgreSQL side: trigram index over the folded text.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX parties_search ON parties USING gin (search_text gin_trgm_ops);
-- [both]

CREATE TABLE party_phones (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    position BIGINT NOT NULL,
    e164 TEXT NOT NULL,
    kind TEXT NOT NULL,
    carrier TEXT
);
CREATE INDEX party_phones_party ON party_phones (party_id, position);
CREATE INDEX party_phones_number ON party_phones (org_id, e164);

CREATE TABLE party_emails (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    position BIGINT NOT NULL,
    email TEXT NOT NULL
);
CREATE INDEX party_emails_party ON party_emails (party_id, position);
CREATE INDEX party_emails_email ON party_emails (org_id, email);

CREATE TABLE party_addresses (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    position BIGINT NOT NULL,
    street TEXT NOT NULL,
    number TEXT NOT NULL,
    complement TEXT NOT NULL,
    neighbourhood TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL
);
CREATE INDEX party_addresses_party ON party_addresses (party_id, position);

CREATE TABLE party_tags (
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (party_id, tag)
);
CREATE INDEX party_tags_tag ON party_tags (org_id, tag, party_id);

-- Append-only: the current consent is the latest event per channel.
CREATE TABLE consent_events (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    channel TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    source TEXT NOT NULL,
    wording TEXT NOT NULL,
    recorded_by UUID,
    recorded_by_label TEXT NOT NULL
);
CREATE INDEX consent_events_party ON consent_events (party_id, id);

CREATE TABLE party_notes (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    body TEXT NOT NULL,
    author_id UUID,
    author_label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX party_notes_party ON party_notes (party_id, id);

CREATE TABLE party_relationships (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    related_party_id UUID NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX party_relationships_party ON party_relationships (party_id);
CREATE INDEX party_relationships_related ON party_relationships (related_party_id);

CREATE TABLE custom_fields (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    choices JSONB NOT NULL,
    position BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields (org_id, key);

CREATE TABLE party_custom_values (
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    field_id UUID NOT NULL REFERENCES custom_fields (id),
    value TEXT NOT NULL,
    PRIMARY KEY (party_id, field_id)
);

CREATE TABLE customer_statuses (
    org_id UUID NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (org_id, code)
);

-- What a merge moved, so it can be undone.
CREATE TABLE party_merges (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    survivor_id UUID NOT NULL REFERENCES parties (id),
    merged_id UUID NOT NULL REFERENCES parties (id),
    moved JSONB NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    by_id UUID,
    undone_at TIMESTAMPTZ
);
CREATE INDEX party_merges_survivor ON party_merges (survivor_id);
