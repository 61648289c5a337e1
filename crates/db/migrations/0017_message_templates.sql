-- E-mail templates [modelos de e-mail] an organisation writes, per
-- language; a message made from one keeps its HTML beside the text part.
CREATE TABLE message_templates (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    locale TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by_name TEXT NOT NULL
);
CREATE UNIQUE INDEX message_templates_name ON message_templates (org_id, locale, name);

ALTER TABLE messages ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN template_id UUID REFERENCES message_templates (id);
