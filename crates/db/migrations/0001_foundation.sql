-- Foundation: organisations, users, sessions, API tokens, the audit trail.
-- Written once in PostgreSQL's words; on SQLite UUIDs become 16-byte
-- BLOBs, timestamps RFC 3339 text in UTC, booleans 0/1 (see migrate.rs).
CREATE TABLE organisations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    locale TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_org_name ON users (org_id, display_name);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- org_id is NULL only for failed logins naming an unknown account.
CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    org_id UUID REFERENCES organisations (id),
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    before_data JSONB,
    after_data JSONB,
    ip TEXT
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
