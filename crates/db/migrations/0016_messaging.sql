-- Background work and the messages it sends.
--
-- A job is one piece of work the worker runs outside a request: claimed
-- by moving it to 'running' with a lease; a worker that dies leaves the
-- lease to run out, and the job is claimed again. Its idempotency key is
-- unique per organisation, so enqueueing the same work twice is one job.
CREATE TABLE jobs (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    payload JSONB NOT NULL,
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error TEXT,
    leased_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    UNIQUE (org_id, idempotency_key)
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (leased_until) WHERE state = 'running';

-- How an organisation sends e-mail. The password is kept to log in to the
-- server and never shown back.
CREATE TABLE smtp_settings (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    tls TEXT NOT NULL,
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    sender_name TEXT NOT NULL,
    sender_address TEXT NOT NULL,
    reply_to TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The outbox [caixa de saída]: every message to a party, from queueing to
-- the server's last answer.
CREATE TABLE messages (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    answer TEXT NOT NULL DEFAULT '',
    queued_by UUID REFERENCES users (id),
    queued_by_name TEXT NOT NULL,
    source_kind TEXT,
    source_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX messages_org ON messages (org_id, id);
CREATE INDEX messages_party ON messages (party_id, id);

CREATE TABLE message_attachments (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    message_id UUID NOT NULL REFERENCES messages (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX message_attachments_message ON message_attachments (message_id);
