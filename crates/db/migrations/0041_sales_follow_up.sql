-- Sales follow-up [Vendas (follow up)] (seed 002): the inside-sales team's
-- daily return routine. The organisation's configuration [Configurador:
-- CRM / Opções / Contato]: responsibility centres (teams or queues of
-- users) and attendance types, each with its standard texts, its rule for
-- attachments, its workflow and its attendance-cycle questionnaire (both
-- JSON, read and checked by the domain).
CREATE TABLE responsibility_centres (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX responsibility_centres_name ON responsibility_centres (org_id, name);

CREATE TABLE responsibility_centre_members (
    org_id UUID NOT NULL REFERENCES organisations (id),
    centre_id UUID NOT NULL REFERENCES responsibility_centres (id),
    user_id UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (centre_id, user_id)
);
CREATE INDEX responsibility_centre_members_user ON responsibility_centre_members (user_id);

CREATE TABLE attendance_types (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    note_text TEXT NOT NULL,
    email_subject TEXT NOT NULL,
    email_text TEXT NOT NULL,
    attachments_allowed BOOLEAN NOT NULL,
    attachment_limit_bytes BIGINT NOT NULL,
    workflow TEXT NOT NULL,
    cycle TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX attendance_types_name ON attendance_types (org_id, name);

-- A sales contact [contato de venda] of a party: who answers for it (a
-- user, at a responsibility centre), when to call again, and where its
-- workflow stands (`workflow_node`: the decision the next confirmed note
-- asks; none before the first). A reopening asked by someone without the
-- right waits on the contact for a supervisor.
CREATE TABLE sales_contacts (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    contacted_on DATE NOT NULL,
    name TEXT NOT NULL,
    attendance_type_id UUID NOT NULL REFERENCES attendance_types (id),
    status TEXT NOT NULL,
    outcome TEXT,
    next_return_on DATE,
    internal_on DATE,
    centre_id UUID REFERENCES responsibility_centres (id),
    responsible_id UUID NOT NULL REFERENCES users (id),
    workflow_node INTEGER,
    closed_at TIMESTAMPTZ,
    reopen_requested_by UUID REFERENCES users (id),
    reopen_reason TEXT,
    reopen_requested_at TIMESTAMPTZ,
    created_by UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sales_contacts_party ON sales_contacts (party_id, contacted_on);
CREATE INDEX sales_contacts_responsible ON sales_contacts (org_id, responsible_id, status, next_return_on);
CREATE INDEX sales_contacts_centre ON sales_contacts (org_id, centre_id, status, next_return_on);
CREATE INDEX sales_contacts_due ON sales_contacts (org_id, status, next_return_on);

-- The products of a contact; a surplus one [excedente] was sold on the
-- contact after it was opened, and closes into a contract of its own.
CREATE TABLE sales_contact_products (
    org_id UUID NOT NULL REFERENCES organisations (id),
    contact_id UUID NOT NULL REFERENCES sales_contacts (id),
    product_id UUID NOT NULL REFERENCES products (id),
    surplus BOOLEAN NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (contact_id, product_id)
);

-- A note [parecer] on a contact: typed, from the type's standard text, an
-- e-mail sent from a note, or written by the system (a workflow step, a
-- reopening). A draft [a concluir] is seen by its author alone.
CREATE TABLE sales_contact_notes (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    contact_id UUID NOT NULL REFERENCES sales_contacts (id),
    author_id UUID REFERENCES users (id),
    body TEXT NOT NULL,
    source TEXT NOT NULL,
    draft BOOLEAN NOT NULL,
    file_name TEXT,
    content_type TEXT,
    file_size BIGINT,
    content BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sales_contact_notes_contact ON sales_contact_notes (contact_id, created_at);
CREATE INDEX sales_contact_notes_drafts ON sales_contact_notes (org_id, author_id, draft);

-- The contact's answers to its type's attendance cycle, one per question.
CREATE TABLE sales_contact_answers (
    org_id UUID NOT NULL REFERENCES organisations (id),
    contact_id UUID NOT NULL REFERENCES sales_contacts (id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_by UUID REFERENCES users (id),
    answered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (contact_id, question)
);

-- A proposal and an appointment made from a contact point back to it.
ALTER TABLE quotes ADD COLUMN sales_contact_id UUID REFERENCES sales_contacts (id);
ALTER TABLE appointments ADD COLUMN sales_contact_id UUID REFERENCES sales_contacts (id);
CREATE INDEX quotes_sales_contact ON quotes (sales_contact_id);
CREATE INDEX appointments_sales_contact ON appointments (sales_contact_id);
