-- The message gateway: where an organisation's SMS and WhatsApp messages
-- are posted (its provider's adapter), signed with a shared secret that is
-- kept and never shown back.
CREATE TABLE message_gateways (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    sms BOOLEAN NOT NULL,
    whatsapp BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Letters leave in printed batches: the batch a letter was printed in.
ALTER TABLE messages ADD COLUMN print_batch UUID;
CREATE INDEX messages_print_batch ON messages (print_batch) WHERE print_batch IS NOT NULL;
