-- Payment reminders [lembretes de cobrança] (seed 001): the organisation's
-- rule, and each reminder sent for an installment, once per kind.

-- E-mails from a template, in the name of the user who saved the rule,
-- days before an installment falls due and days after it, still open.
CREATE TABLE payment_reminder_rules (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    active BOOLEAN NOT NULL,
    days_before INTEGER,
    days_after INTEGER,
    template_id UUID REFERENCES message_templates (id),
    sender_id UUID NOT NULL REFERENCES users (id),
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- kind: before or after; outcome: queued (message_id set), no_address,
-- no_consent, out_of_reach, pending (written before the message).
CREATE TABLE payment_reminders (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    installment_id UUID NOT NULL REFERENCES installments (id),
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message_id UUID,
    at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX payment_reminders_once ON payment_reminders (installment_id, kind);
