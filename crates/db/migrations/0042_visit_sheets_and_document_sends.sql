-- Visit sheets [ficha de visita] and documents sent to customers [envio
-- para clientes] from the sales follow-up (seed 002). A layout says what a
-- contact's visit sheet shows (its sections, a JSON list read by the
-- domain) under its heading; it is printed or e-mailed from the contact.
CREATE TABLE visit_sheet_layouts (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    heading TEXT NOT NULL,
    sections TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX visit_sheet_layouts_name ON visit_sheet_layouts (org_id, name);

-- A sending of a document model (an e-mail template) to the customers of
-- the chosen contacts, with the header text above it, the company that
-- sends it and the order its report is read in; each recipient's outcome
-- (queued, or why not) is kept for that report.
CREATE TABLE document_sends (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    template_id UUID NOT NULL REFERENCES message_templates (id),
    template_name TEXT NOT NULL,
    header TEXT NOT NULL,
    company TEXT NOT NULL,
    ordering TEXT NOT NULL,
    sent_by UUID NOT NULL REFERENCES users (id),
    sent_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX document_sends_org ON document_sends (org_id, created_at);

CREATE TABLE document_send_recipients (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    send_id UUID NOT NULL REFERENCES document_sends (id),
    contact_id UUID NOT NULL REFERENCES sales_contacts (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    party_name TEXT NOT NULL,
    city TEXT NOT NULL,
    next_return_on DATE,
    recipient TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message_id UUID REFERENCES messages (id)
);
CREATE INDEX document_send_recipients_send ON document_send_recipients (send_id);
CREATE INDEX document_send_recipients_party ON document_send_recipients (party_id);
