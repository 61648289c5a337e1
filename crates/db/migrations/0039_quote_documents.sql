-- Quote documents (seed 002: a proposal sent as HTML with variables): a
-- template is an e-mail's or a quote's, written and checked the same way;
-- a quote's also names the quote, its lines and totals.
ALTER TABLE message_templates ADD COLUMN kind TEXT NOT NULL DEFAULT 'email';

-- The organisation's logo, printed at the head of its quotes' PDFs.
CREATE TABLE organisation_logos (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
